"""Spec mutations and the verdict each should get, per audience.

Each mutation edits a copy of the parsed spec. `B` marks the audiences it breaks; every
other audience must not be broken. The reasons are the rules of `citcall_contract.contract.compat`:
what the gateway receives may widen, never narrow; what it sends (responses, callback
payloads) may narrow, never widen; names that generated code uses may be added, never
removed or renamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]


def schema(doc: Doc, name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def op(doc: Doc, path: str, method: str = "post") -> dict[str, Any]:
    return doc["paths"][path][method]


def add_property(
    name: str, prop: str, value: dict[str, Any], required: bool = False
) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = schema(doc, name)
        target["properties"][prop] = value
        if required:
            target.setdefault("required", []).append(prop)

    return mutate


def remove_property(name: str, prop: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = schema(doc, name)
        del target["properties"][prop]
        if prop in target.get("required", []):
            target["required"].remove(prop)

    return mutate


def set_key(name: str, path: list[str], value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        node = schema(doc, name)
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def add_rc(doc: Doc) -> None:
    rc = schema(doc, "ResponseCode")
    rc["enum"].append(55)
    rc["x-enum-varnames"].append("RATE_LIMITED")
    rc["x-enum-descriptions"].append("Too many requests.")
    rc["x-enum-categories"].append("unavailable")


def remove_rc(doc: Doc) -> None:
    rc = schema(doc, "ResponseCode")
    index = rc["enum"].index(44)
    for key in ("enum", "x-enum-varnames", "x-enum-descriptions", "x-enum-categories"):
        del rc[key][index]


def rename_rc(doc: Doc) -> None:
    rc = schema(doc, "ResponseCode")
    rc["x-enum-varnames"][rc["enum"].index(14)] = "LOW_BALANCE"


def recategorise_rc(doc: Doc) -> None:
    rc = schema(doc, "ResponseCode")
    rc["x-enum-categories"][rc["enum"].index(34)] = "invalid_request"


def add_dial_code(doc: Doc) -> None:
    dial = schema(doc, "DialCode")
    dial["enum"].append(607)
    dial["x-enum-varnames"].append("UNWANTED")
    dial["x-enum-descriptions"].append("Unwanted.")


def remove_dial_code(doc: Doc) -> None:
    dial = schema(doc, "DialCode")
    index = dial["enum"].index(199)
    for key in ("enum", "x-enum-varnames", "x-enum-descriptions"):
        del dial[key][index]


def rename_schema(doc: Doc) -> None:
    schemas = doc["components"]["schemas"]
    schemas["SenderId"] = schemas.pop("Senderid")
    schemas["SenderId"]["title"] = "SenderId"
    for name in ("SmsRequest", "SmsOtpRequest", "SmsResponse"):
        schemas[name]["properties"]["senderid"] = {"$ref": "#/components/schemas/SenderId"}


def rename_request_property(doc: Doc) -> None:
    target = schema(doc, "SmsRequest")
    target["properties"]["sender_id"] = target["properties"].pop("senderid")
    target["required"] = ["msisdn", "sender_id", "text"]


def drop_basic_on_sms(doc: Doc) -> None:
    op(doc, "/sms")["security"] = [{"Apikey": []}]


def drop_basic_everywhere(doc: Doc) -> None:
    del doc["components"]["securitySchemes"]["Basic"]
    for item in doc["paths"].values():
        item["post"]["security"] = [{"Apikey": []}]


def remove_webhook(doc: Doc) -> None:
    del doc["webhooks"]["smsStatus"]


def add_webhook(doc: Doc) -> None:
    doc["webhooks"]["voiceStatus"] = {"$ref": "#/components/pathItems/MissedCallStatus"}


def remove_callback(doc: Doc) -> None:
    del op(doc, "/sms")["callbacks"]


def sign_callbacks(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["Signature"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Signature",
    }
    doc["components"]["pathItems"]["SmsStatus"]["post"]["security"] = [{"Signature": []}]


def callback_answer_body(doc: Doc) -> None:
    answer = doc["components"]["pathItems"]["MissedCallStatus"]["post"]["responses"]["200"]
    answer["content"] = {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["ok"],
                "properties": {"ok": {"type": "boolean"}},
            }
        }
    }


def rename_operation(doc: Doc) -> None:
    op(doc, "/sms")["operationId"] = "sendMessage"


def rename_webhook_operation(doc: Doc) -> None:
    doc["components"]["pathItems"]["SmsStatus"]["post"]["operationId"] = "smsDeliveryReport"


def retag_operation(doc: Doc) -> None:
    op(doc, "/sms")["tags"] = ["Messaging"]


def add_tag(doc: Doc) -> None:
    op(doc, "/sms")["tags"] = ["SMS", "Messaging"]


def remove_server(doc: Doc) -> None:
    doc["servers"] = doc["servers"][1:]


def add_server(doc: Doc) -> None:
    doc["servers"].append({"url": "https://backup.citcall.example/v3", "description": "Backup."})


def remove_operation(doc: Doc) -> None:
    del doc["paths"]["/call"]


def add_operation(doc: Doc) -> None:
    import copy

    added = copy.deepcopy(doc["paths"]["/sms"])
    added["post"]["operationId"] = "sendBulkSms"
    doc["paths"]["/bulksms"] = added


def move_operation(doc: Doc) -> None:
    doc["paths"]["/v2/sms"] = doc["paths"].pop("/sms")


def add_parameter(required: bool, where: str = "header") -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        op(doc, "/sms")["parameters"] = [
            {
                "name": "X-Request-Id",
                "in": where,
                "required": required,
                "schema": {"type": "string"},
            }
        ]

    return mutate


def require_request_body_media(doc: Doc) -> None:
    content = op(doc, "/sms")["requestBody"]["content"]
    content["application/x-www-form-urlencoded"] = content.pop("application/json")


def add_response_status(doc: Doc) -> None:
    op(doc, "/sms")["responses"]["429"] = {
        "description": "Rate limited.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }


def narrow_then(doc: Doc) -> None:
    schema(doc, "MiscallResponse")["then"]["required"].append("gateway")


def drop_else(doc: Doc) -> None:
    del schema(doc, "MiscallRequest")["else"]


def drop_rc_string_form(doc: Doc) -> None:
    schema(doc, "Rc")["anyOf"] = schema(doc, "Rc")["anyOf"][:2]


def closed_sms_response(doc: Doc) -> None:
    schema(doc, "SmsResponse")["additionalProperties"] = False


def add_otp_word(doc: Doc) -> None:
    schema(doc, "SmsRequest")["x-otp-words"].append("pin")


def narrow_national_digits(doc: Doc) -> None:
    schema(doc, "RequestMsisdn")["x-national-digits"][0]["max"] = 14


def sms_body_is_otp_request(doc: Doc) -> None:
    media = op(doc, "/sms")["requestBody"]["content"]["application/json"]
    media["schema"] = {"$ref": "#/components/schemas/SmsOtpRequest"}


def nullable(name: str, prop: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        props = schema(doc, name)["properties"]
        props[prop] = {"anyOf": [props[prop], {"type": "null"}]}

    return mutate


def price_is_a_number(doc: Doc) -> None:
    doc["components"]["schemas"]["Price"] = {"title": "Price", "type": "number", "minimum": 0}


def closed_sms_result(doc: Doc) -> None:
    schema(doc, "SmsCallback")["properties"]["result"]["enum"] = ["DELIVERED", "FAILED"]


def add_sms_result(doc: Doc) -> None:
    schema(doc, "SmsCallback")["properties"]["result"]["enum"].append("EXPIRED")


def drop_success_token(doc: Doc) -> None:
    schema(doc, "MiscallResponse")["then"]["required"].remove("token")


def move_callback_url_field(doc: Doc) -> None:
    callbacks = op(doc, "/sms")["callbacks"]["smsStatus"]
    callbacks["{$request.body#/webhook_url}"] = callbacks.pop("{$request.body#/callback_url}")


def rename_webhook_key(doc: Doc) -> None:
    doc["webhooks"]["smsDelivery"] = doc["webhooks"].pop("smsStatus")


def auth_optional(doc: Doc) -> None:
    op(doc, "/verify")["security"].append({})


@dataclass(frozen=True)
class Mutation:
    id: str
    mutate: Callable[[Doc], None]
    breaks: frozenset[str]
    base: Callable[[Doc], None] | None = None  # applied to both versions first
    visible: bool = True  # False: no audience can tell the difference, nothing is reported


def m(
    id: str, mutate: Callable[[Doc], None], *breaks: str, base: Callable[[Doc], None] | None = None
) -> Mutation:
    return Mutation(id, mutate, frozenset(breaks), base)


I, C, R, S = "integrators", "clients", "receivers", "sdk"  # noqa: E741

MUTATIONS = [
    # requests: may widen, never narrow
    m("request optional field added", add_property("SmsRequest", "reference", {"type": "string"})),
    m(
        "request required field added",
        add_property("SmsRequest", "reference", {"type": "string"}, True),
        I,
    ),
    m("request field made optional", set_key("VerifyRequest", ["required"], ["msisdn", "trxid"])),
    m("request field renamed", rename_request_property, I, S),
    m("request pattern narrowed", set_key("RequestMsisdn", ["pattern"], r"^\+?[0-9]{10,15}$"), I),
    m("request pattern widened", set_key("OtpCode", ["pattern"], "^[0-9]{4,12}$")),
    m("request maxLength narrowed", set_key("CallbackUrl", ["maxLength"], 1024), I),
    m("request maximum raised", set_key("LimitTry", ["maximum"], 30)),
    m("request type widened", set_key("ValidTime", ["type"], "number")),
    m(
        "request enum narrowed",
        lambda d: schema(d, "GatewayNumber")["anyOf"][1]["enum"].remove("4"),
        I,
        S,
    ),
    m("request default changed", set_key("LimitTry", ["default"], 3), I),
    m("request default documented", set_key("ValidTime", ["default"], 300)),
    m("request condition relaxed", drop_else),
    m("request refuses a new word", add_otp_word, I),
    m("request digit bounds narrowed", narrow_national_digits, I),
    m("request media type replaced", require_request_body_media, I),
    m("required header added", add_parameter(True), I),
    m("optional query parameter added", add_parameter(False, "query")),
    m("request field removed", remove_property("SmsRequest", "callback_url"), S),
    m("request field made nullable", nullable("SmsRequest", "callback_url")),
    m("request body type replaced by a wider one", sms_body_is_otp_request, S),
    m("auth made optional", auth_optional),
    # responses: may narrow, never widen
    m("response property removed", remove_property("SmsResponse", "price"), C, S),
    m("response property added", add_property("SmsResponse", "balance", {"type": "integer"})),
    m("response object closed to unnamed properties", closed_sms_response),
    m(
        "response property added to a closed object",
        add_property("SmsResponse", "balance", {"type": "integer"}),
        C,
        base=closed_sms_response,
    ),
    m("response field made required", set_key("SmsResponse", ["required"], ["rc", "info"])),
    m(
        "response type changed",
        set_key("SmsResponse", ["properties", "sms_count", "type"], "string"),
        C,
    ),
    m(
        "response minimum lowered",
        set_key("SmsResponse", ["properties", "sms_count", "minimum"], 0),
        C,
    ),
    m("response conditional narrowed", narrow_then),
    m("response rc string form dropped", drop_rc_string_form),
    m("response status added", add_response_status),
    m("maxLength widened (request and response)", set_key("Senderid", ["maxLength"], 20), C),
    m("response pattern narrowed", set_key("Currency", ["pattern"], "^IDR$")),
    m("response field made nullable", nullable("SmsResponse", "trxid"), C),
    m("response union replaced by one branch", price_is_a_number),
    m("response success field no longer required", drop_success_token, C),
    m(
        "response rule changed (x-otp-digits)",
        set_key("MiscallResponse", ["properties", "token", "x-otp-digits"], 6),
        C,
    ),
    # rc and dial-code tables (Rc and DialCodeValue are open: any integer code is valid)
    m("new rc", add_rc),
    m("rc removed", remove_rc, S),
    m("rc renamed", rename_rc, S),
    m("rc category changed", recategorise_rc, C, R),
    m("new dial code", add_dial_code),
    m("dial code removed", remove_dial_code, S),
    # callbacks and webhooks: the payload is a response to the receiver
    m(
        "callback required field added",
        add_property("MissedCallCallback", "channel", {"type": "string"}, True),
    ),
    m("callback optional field added", add_property("SmsCallback", "parts", {"type": "integer"})),
    m(
        "callback field no longer required",
        set_key("MissedCallCallback", ["required"], ["rc", "trxid"]),
        R,
    ),
    m("callback property removed", remove_property("SmsCallback", "description"), R, S),
    m(
        "callback type widened",
        set_key("MissedCallCallback", ["properties", "via", "type"], ["string", "null"]),
        R,
    ),
    m(
        "callback pattern narrowed",
        set_key(
            "ReportedDate", ["pattern"], r"^2[0-9]{3}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
        ),
    ),
    m("webhook removed", remove_webhook, R),
    m("webhook added", add_webhook),
    m("webhook renamed, same operation", rename_webhook_key),
    m("callback URL taken from another field", move_callback_url_field, R),
    m("callback closed enum narrowed", closed_sms_result),
    m("callback closed enum gains a value", add_sms_result, R, base=closed_sms_result),
    m("callback removed", remove_callback, R),
    m("callbacks signed by the gateway", sign_callbacks),
    m("callback answer must carry a body", callback_answer_body, R),
    m("webhook operationId changed", rename_webhook_operation, S),
    # operations, servers, security, names
    m("operationId changed", rename_operation, S),
    m("operation removed", remove_operation, I, S),
    m("operation added", add_operation),
    m("operation moved to another path", move_operation, I),
    m("server removed", remove_server, I),
    m("server added", add_server),
    m("auth alternative removed", drop_basic_on_sms, I),
    m("security scheme removed", drop_basic_everywhere, I, S),
    m("schema renamed", rename_schema, S),
    m("tag renamed", retag_operation, S),
    m("tag added", add_tag),
]


def sms_request_composed(doc: Doc) -> None:
    """The same SmsRequest written as allOf of a shared base and its own part."""
    schemas = doc["components"]["schemas"]
    sms = schemas["SmsRequest"]
    schemas["MessageBase"] = {
        "title": "MessageBase",
        "type": "object",
        "required": ["msisdn", "senderid"],
        "properties": {k: sms["properties"][k] for k in ("msisdn", "senderid")},
    }
    schemas["SmsRequest"] = {
        "title": "SmsRequest",
        "description": sms["description"],
        "x-otp-words": sms["x-otp-words"],
        "allOf": [
            {"$ref": "#/components/schemas/MessageBase"},
            {
                "type": "object",
                "required": ["text"],
                "properties": {k: sms["properties"][k] for k in ("text", "callback_url")},
            },
        ],
    }


MUTATIONS.append(m("request schema recomposed with allOf, same instances", sms_request_composed))


def retitle(name: str, title: str | None) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        if title is None:
            del schema(doc, name)["title"]
        else:
            schema(doc, name)["title"] = title

    return mutate


MUTATIONS += [
    Mutation(
        "title equal to the key dropped (same class name)",
        retitle("ResponseCode", None),
        frozenset(),
        visible=False,
    ),
    m("title of a model changed (class renamed)", retitle("SmsCallback", "SmsReport"), S),
    m(
        "varnames dropped (members named by value)",
        lambda d: schema(d, "DialCode").pop("x-enum-varnames"),
        S,
    ),
]


def deliver_on_181(doc: Doc) -> None:
    schema(doc, "DialCode")["x-delivered-dial-codes"].append(181)


def sandbox_price(doc: Doc) -> None:
    doc["x-sandbox-scenarios"]["pricing"]["sms_part"] = 500


MUTATIONS += [
    m("dial code now counted as delivered", deliver_on_181, C, R),
    Mutation("sandbox-only table changed", sandbox_price, frozenset(), visible=False),
]
