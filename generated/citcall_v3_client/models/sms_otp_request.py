from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SmsOtpRequest")


@_attrs_define
class SmsOtpRequest:
    """Request of `/smsotp`.

    Attributes:
        msisdn (str): End-user mobile number. The seed form is the country code and digits (`6281234567890`);
            `081234567890` and `+6281234567890` are also seen on the wire. Indonesian numbers have 11-16 digits with the
            country code, others 10-17. Example: 6281234567890.
        senderid (str): A sender ID registered for the account (e.g. `citcall`; the official SDK upper-cases it to
            `CITCALL`). Example: citcall.
        text (str): The message body. Long text is sent in several parts (GSM-7: 160 characters in one part, 153 per
            part when split; UCS-2: 70 and 67). Example: Hello World!.
        token (str | Unset): A one-time password of 4 to 10 digits. Example: 4821.
        valid_time (int | Unset): Seconds the OTP stays valid for `/verify`. Giving it asks the gateway to keep the
            code: without it `/verify` answers rc 78, as for an unknown transaction. Example: 300.
        limit_try (int | Unset): How many `/verify` attempts are allowed for this OTP (default 5, at most 20). Example:
            5.
        callback_url (str | Unset): Webhook URL where the delivery status for this request is posted; overrides the
            account's default callback URL. An absolute http or https URL. Example: https://example.com/citcall/callback.
    """

    msisdn: str
    senderid: str
    text: str
    token: str | Unset = UNSET
    valid_time: int | Unset = UNSET
    limit_try: int | Unset = UNSET
    callback_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        msisdn = self.msisdn

        senderid = self.senderid

        text = self.text

        token = self.token

        valid_time = self.valid_time

        limit_try = self.limit_try

        callback_url = self.callback_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "msisdn": msisdn,
                "senderid": senderid,
                "text": text,
            }
        )
        if token is not UNSET:
            field_dict["token"] = token
        if valid_time is not UNSET:
            field_dict["valid_time"] = valid_time
        if limit_try is not UNSET:
            field_dict["limit_try"] = limit_try
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        msisdn = d.pop("msisdn")

        senderid = d.pop("senderid")

        text = d.pop("text")

        token = d.pop("token", UNSET)

        valid_time = d.pop("valid_time", UNSET)

        limit_try = d.pop("limit_try", UNSET)

        callback_url = d.pop("callback_url", UNSET)

        sms_otp_request = cls(
            msisdn=msisdn,
            senderid=senderid,
            text=text,
            token=token,
            valid_time=valid_time,
            limit_try=limit_try,
            callback_url=callback_url,
        )

        sms_otp_request.additional_properties = d
        return sms_otp_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
