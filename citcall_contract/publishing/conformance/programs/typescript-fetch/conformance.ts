// Conformance program for the typescript-fetch SDK (citcall-contract sdk typescript-fetch --check).
// It holds no data: the plan (base URL, keys, numbers, examples) comes from the JSON file
// in argv[2]; what the SDK answered goes to the JSON file in argv[3], judged in Python.
import * as sdk from "../src";
import { Configuration, MissedCallOTPApi, SMSApi, VerificationApi } from "../src";

type Json = any;

// Node's own modules, declared here so that the program needs no @types/node.
declare const require: (name: string) => any;
declare const process: { argv: string[]; exit(code: number): never };
const fs = require("fs");

interface Observation {
    code: number | null;
    success: boolean | null;
    error: string | null;
    name?: string;
    json?: Json;
    parsed?: Observation[];
}

const [planPath, reportPath] = process.argv.slice(2);
const plan: Json = JSON.parse(fs.readFileSync(planPath, "utf8"));

// Auth as the README documents it: the `Apikey ` prefix goes inside apiKey.
const apikey = new Configuration({ basePath: plan.base_url, apiKey: `Apikey ${plan.api_key}` });
const basic = new Configuration({ basePath: plan.base_url, username: plan.userid, password: plan.api_key });

// The one success test: rc is `number | string`, 0 or "00".
function succeeded(rc: sdk.Rc): boolean {
    return Number(rc) === 0;
}

function observe(rc: sdk.Rc): Observation {
    const code = Number(rc);
    return { code: Number.isInteger(code) ? code : null, success: succeeded(rc), error: null };
}

function failed(error: unknown): Observation {
    return { code: null, success: null, error: String(error instanceof Error ? error.message : error) };
}

async function call(config: Configuration, operation: string, body: Json): Promise<{ rc: sdk.Rc }> {
    switch (operation) {
        case "asyncMiscall":
            return new MissedCallOTPApi(config).asyncMiscall({ miscallRequest: sdk.MiscallRequestFromJSON(body) });
        case "motp":
            return new MissedCallOTPApi(config).motp({ miscallRequest: sdk.MiscallRequestFromJSON(body) });
        case "syncMiscall":
            return new MissedCallOTPApi(config).syncMiscall({ callRequest: sdk.CallRequestFromJSON(body) });
        case "sendSms":
            return new SMSApi(config).sendSms({ smsRequest: sdk.SmsRequestFromJSON(body) });
        case "sendSmsOtp":
            return new SMSApi(config).sendSmsOtp({ smsOtpRequest: sdk.SmsOtpRequestFromJSON(body) });
        case "verifyOtp":
            return new VerificationApi(config).verifyOtp({ verifyRequest: sdk.VerifyRequestFromJSON(body) });
    }
    throw new Error(`the program has no call for ${operation}`);
}

async function step(action: () => Promise<Observation>): Promise<Observation> {
    try {
        return await action();
    } catch (error) {
        return failed(error);
    }
}

async function missedCallOtp(): Promise<{ trxid: string; otp: string }> {
    const sent = await new MissedCallOTPApi(apikey).asyncMiscall({
        miscallRequest: { msisdn: plan.msisdn, gateway: 0, validTime: plan.valid_time },
    });
    if (!succeeded(sent.rc) || !sent.trxid || !sent.token) {
        throw new Error(`missed call refused: rc ${sent.rc}`);
    }
    return { trxid: sent.trxid, otp: sent.token.slice(-plan.otp_digits) };
}

function parse(model: string, value: Json): Observation {
    const models = sdk as Json;
    const parsed = models[`${model}FromJSON`](value);
    return { ...observe(parsed.rc), json: models[`${model}ToJSON`](parsed) };
}

async function main(): Promise<void> {
    const steps: Record<string, Observation> = {};
    steps["apikey_auth"] = await step(async () => observe((await call(apikey, "sendSms", plan.requests.sendSms)).rc));
    steps["basic_auth"] = await step(async () => observe((await call(basic, "sendSms", plan.requests.sendSms)).rc));
    for (const [operation, body] of Object.entries(plan.requests)) {
        steps[`call:${operation}`] = await step(async () => observe((await call(apikey, operation, body)).rc));
    }
    steps["verify_otp"] = await step(async () => {
        const { trxid, otp } = await missedCallOtp();
        const verified = await new VerificationApi(apikey).verifyOtp({
            verifyRequest: { trxid, msisdn: plan.msisdn, token: otp },
        });
        return observe(verified.rc);
    });
    steps["wrong_code"] = await step(async () => {
        const { trxid, otp } = await missedCallOtp();
        const wrong = otp === "0".repeat(otp.length) ? "1".repeat(otp.length) : "0".repeat(otp.length);
        const verified = await new VerificationApi(apikey).verifyOtp({
            verifyRequest: { trxid, msisdn: plan.msisdn, token: wrong },
        });
        return observe(verified.rc);
    });
    for (const forced of plan.forced) {
        steps[`forced:${forced.category}`] = await step(
            async () => observe((await call(apikey, forced.operation, forced.request)).rc),
        );
    }
    for (const [operation, group] of Object.entries(plan.examples) as [string, Json][]) {
        const parsed = group.examples.map((example: Json) => {
            try {
                return { name: example.name, ...parse(group.model, example.value) };
            } catch (error) {
                return { name: example.name, ...failed(error) };
            }
        });
        steps[`examples:${operation}`] = { code: null, success: null, error: null, parsed };
    }
    steps["rc_forms"] = {
        code: null,
        success: null,
        error: null,
        parsed: plan.rc_forms.map((rc: Json) => {
            try {
                return parse("ErrorResponse", { rc });
            } catch (error) {
                return failed(error);
            }
        }),
    };
    fs.writeFileSync(reportPath, JSON.stringify({ steps }));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
