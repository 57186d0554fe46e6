from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.gateway_number_type_1 import GatewayNumberType1
from ..types import UNSET, Unset

T = TypeVar("T", bound="CallRequest")


@_attrs_define
class CallRequest:
    """Request of the deprecated synchronous `/call`.

    Attributes:
        msisdn (str): End-user mobile number. The seed form is the country code and digits (`6281234567890`);
            `081234567890` and `+6281234567890` are also seen on the wire. Indonesian numbers have 11-16 digits with the
            country code, others 10-17. Example: 6281234567890.
        gateway (GatewayNumberType1 | int): Telephony gateway (route) for the missed call, 0 to 4. The provider's cURL
            example sends it as a digit string, its PHP example as an integer; both are accepted. Example: 0.
        valid_time (int | Unset): Seconds the OTP stays valid for `/verify`. Giving it asks the gateway to keep the
            code: without it `/verify` answers rc 78, as for an unknown transaction. Example: 300.
        limit_try (int | Unset): How many `/verify` attempts are allowed for this OTP (default 5, at most 20). Example:
            5.
    """

    msisdn: str
    gateway: GatewayNumberType1 | int
    valid_time: int | Unset = UNSET
    limit_try: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        msisdn = self.msisdn

        gateway: int | str
        if isinstance(self.gateway, GatewayNumberType1):
            gateway = self.gateway.value
        else:
            gateway = self.gateway

        valid_time = self.valid_time

        limit_try = self.limit_try

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "msisdn": msisdn,
                "gateway": gateway,
            }
        )
        if valid_time is not UNSET:
            field_dict["valid_time"] = valid_time
        if limit_try is not UNSET:
            field_dict["limit_try"] = limit_try

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        msisdn = d.pop("msisdn")

        def _parse_gateway(data: object) -> GatewayNumberType1 | int:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_gateway_number_type_1 = GatewayNumberType1(data)

                return componentsschemas_gateway_number_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GatewayNumberType1 | int, data)

        gateway = _parse_gateway(d.pop("gateway"))

        valid_time = d.pop("valid_time", UNSET)

        limit_try = d.pop("limit_try", UNSET)

        call_request = cls(
            msisdn=msisdn,
            gateway=gateway,
            valid_time=valid_time,
            limit_try=limit_try,
        )

        call_request.additional_properties = d
        return call_request

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
