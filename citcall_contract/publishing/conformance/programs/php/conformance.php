<?php
/**
 * Conformance program for the php SDK (citcall-contract sdk php --check).
 *
 * It holds no data: the plan (base URL, keys, numbers, examples) comes from the JSON file
 * in argv[2]; what the SDK answered goes to the JSON file in argv[3], judged in Python.
 * argv[1] is the SDK's autoload.php (Composer-free: PSR-4 plus Debian's Guzzle).
 */

declare(strict_types=1);

[, $autoload, $planFile, $reportFile] = $argv;
require $autoload;

$plan = json_decode(file_get_contents($planFile), true, 512, JSON_THROW_ON_ERROR);
$composer = json_decode(file_get_contents(dirname($autoload) . '/composer.json'), true);
$ns = rtrim(array_key_first($composer['autoload']['psr-4']), '\\');

/** Auth as the README documents it: key and prefix, or Basic userid:key. */
function configuration(array $plan, string $ns, bool $basic): object
{
    $config = ($ns . '\\Configuration')::getDefaultConfiguration();
    $config = clone $config;
    $config->setHost($plan['base_url']);
    if ($basic) {
        $config->setUsername($plan['userid'])->setPassword($plan['api_key']);
    } else {
        $config->setApiKey('Authorization', $plan['api_key'])->setApiKeyPrefix('Authorization', 'Apikey');
    }
    return $config;
}

/** The one success test: getRc() is the scalar as sent, 0 or "00". */
function succeeded($rc): bool
{
    return (int) $rc === 0;
}

function observe($rc): array
{
    $digits = is_int($rc) || (is_string($rc) && ctype_digit($rc));
    return ['code' => $digits ? (int) $rc : null, 'success' => succeeded($rc), 'error' => null];
}

function failed(\Throwable $error): array
{
    return ['code' => null, 'success' => null, 'error' => get_class($error) . ': ' . $error->getMessage()];
}

function model(string $ns, string $name, array $value): object
{
    $class = $ns . '\\Model\\' . $name;
    return ($ns . '\\ObjectSerializer')::deserialize(json_decode(json_encode($value)), '\\' . $class);
}

/**
 * A request model from its wire JSON, as users build one from a dict: fields it was not
 * given must not be sent (a `"retry": null` is refused by the gateway with rc 7).
 */
function request(string $ns, string $name, array $body): object
{
    return model($ns, $name, $body);
}

function call(string $ns, object $config, string $operation, array $body): object
{
    switch ($operation) {
        case 'asyncMiscall':
            return (new ($ns . '\\Api\\MissedCallOTPApi')(null, $config))->asyncMiscall(request($ns, 'MiscallRequest', $body));
        case 'motp':
            return (new ($ns . '\\Api\\MissedCallOTPApi')(null, $config))->motp(request($ns, 'MiscallRequest', $body));
        case 'syncMiscall':
            return (new ($ns . '\\Api\\MissedCallOTPApi')(null, $config))->syncMiscall(request($ns, 'CallRequest', $body));
        case 'sendSms':
            return (new ($ns . '\\Api\\SMSApi')(null, $config))->sendSms(request($ns, 'SmsRequest', $body));
        case 'sendSmsOtp':
            return (new ($ns . '\\Api\\SMSApi')(null, $config))->sendSmsOtp(request($ns, 'SmsOtpRequest', $body));
    }
    throw new \RuntimeException("the program has no call for $operation");
}

function step(callable $action): array
{
    try {
        return observe($action()->getRc());
    } catch (\Throwable $error) {
        return failed($error);
    }
}

/** A missed call kept for /verify; the OTP ends its token. Returns [trxid, otp]. */
function missedCallOtp(string $ns, object $config, array $plan): array
{
    $request = new ($ns . '\\Model\\MiscallRequest')([
        'msisdn' => $plan['msisdn'], 'gateway' => 0, 'valid_time' => $plan['valid_time'],
    ]);
    $sent = (new ($ns . '\\Api\\MissedCallOTPApi')(null, $config))->asyncMiscall($request);
    if (!succeeded($sent->getRc())) {
        throw new \RuntimeException('missed call refused: rc ' . json_encode($sent->getRc()));
    }
    return [$sent->getTrxid(), substr($sent->getToken(), -$plan['otp_digits'])];
}

function verify(string $ns, object $config, array $plan, string $trxid, string $code): object
{
    $request = new ($ns . '\\Model\\VerifyRequest')([
        'trxid' => $trxid, 'msisdn' => $plan['msisdn'], 'token' => $code,
    ]);
    return (new ($ns . '\\Api\\VerificationApi')(null, $config))->verifyOtp($request);
}

function parse(string $ns, string $name, array $value): array
{
    try {
        $parsed = model($ns, $name, $value);
        $back = json_decode(json_encode(($ns . '\\ObjectSerializer')::sanitizeForSerialization($parsed)), true);
        return observe($parsed->getRc()) + ['json' => $back];
    } catch (\Throwable $error) {
        return failed($error);
    }
}

$apikey = configuration($plan, $ns, false);
$basic = configuration($plan, $ns, true);
$steps = [];
$steps['apikey_auth'] = step(fn () => call($ns, $apikey, 'sendSms', $plan['requests']['sendSms']));
$steps['basic_auth'] = step(fn () => call($ns, $basic, 'sendSms', $plan['requests']['sendSms']));
foreach ($plan['requests'] as $operation => $body) {
    $steps["call:$operation"] = step(fn () => call($ns, $apikey, $operation, $body));
}
$steps['verify_otp'] = step(function () use ($ns, $apikey, $plan) {
    [$trxid, $otp] = missedCallOtp($ns, $apikey, $plan);
    return verify($ns, $apikey, $plan, $trxid, $otp);
});
$steps['wrong_code'] = step(function () use ($ns, $apikey, $plan) {
    [$trxid, $otp] = missedCallOtp($ns, $apikey, $plan);
    $wrong = str_repeat('0', strlen($otp));
    if ($wrong === $otp) {
        $wrong = str_repeat('1', strlen($otp));
    }
    return verify($ns, $apikey, $plan, $trxid, $wrong);
});
foreach ($plan['forced'] as $forced) {
    $steps['forced:' . $forced['category']] = step(
        fn () => call($ns, $apikey, $forced['operation'], $forced['request'])
    );
}
foreach ($plan['examples'] as $operation => $group) {
    $parsed = [];
    foreach ($group['examples'] as $example) {
        $parsed[] = ['name' => $example['name']] + parse($ns, $group['model'], $example['value']);
    }
    $steps["examples:$operation"] = ['code' => null, 'success' => null, 'error' => null, 'parsed' => $parsed];
}
$forms = [];
foreach ($plan['rc_forms'] as $rc) {
    $forms[] = parse($ns, 'ErrorResponse', ['rc' => $rc]);
}
$steps['rc_forms'] = ['code' => null, 'success' => null, 'error' => null, 'parsed' => $forms];

file_put_contents($reportFile, json_encode(['steps' => $steps], JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION));
