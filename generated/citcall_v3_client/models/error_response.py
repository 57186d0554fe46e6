from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.response_code import ResponseCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The body of a failure, the fields every response has.

    Attributes:
        rc (int | ResponseCode | str): The response code as it arrives: an integer (`0`, `79`) or a digit string
            (`"00"`). `0` and `"00"` are success. Known codes are listed in `ResponseCode`; an unknown code is still valid
            here and means failure. Example: 0.
        info (str | Unset): Human-readable text for `rc` (the gateway's own wording, typos included). Example: Ok.
    """

    rc: int | ResponseCode | str
    info: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rc: int | str
        if isinstance(self.rc, ResponseCode):
            rc = self.rc.value
        else:
            rc = self.rc

        info = self.info

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rc": rc,
            }
        )
        if info is not UNSET:
            field_dict["info"] = info

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_rc(data: object) -> int | ResponseCode | str:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                componentsschemas_rc_type_0 = ResponseCode(data)

                return componentsschemas_rc_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(int | ResponseCode | str, data)

        rc = _parse_rc(d.pop("rc"))

        info = d.pop("info", UNSET)

        error_response = cls(
            rc=rc,
            info=info,
        )

        error_response.additional_properties = d
        return error_response

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
