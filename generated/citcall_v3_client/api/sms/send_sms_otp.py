from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sms_otp_request import SmsOtpRequest
from ...models.sms_response import SmsResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SmsOtpRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/smsotp",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SmsResponse:
    if response.status_code == 200:
        response_200 = SmsResponse.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | SmsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SmsOtpRequest,
) -> Response[ErrorResponse | SmsResponse]:
    """Send an SMS OTP

     Sends a one-time password by SMS. `token`, when given, is the OTP: it replaces
    a placeholder in `text` or is sent as is. With `valid_time` (and optionally
    `limit_try`) the gateway keeps the code so that `/verify` can check it.

    Args:
        body (SmsOtpRequest): Request of `/smsotp`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SmsResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SmsOtpRequest,
) -> ErrorResponse | SmsResponse | None:
    """Send an SMS OTP

     Sends a one-time password by SMS. `token`, when given, is the OTP: it replaces
    a placeholder in `text` or is sent as is. With `valid_time` (and optionally
    `limit_try`) the gateway keeps the code so that `/verify` can check it.

    Args:
        body (SmsOtpRequest): Request of `/smsotp`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SmsResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SmsOtpRequest,
) -> Response[ErrorResponse | SmsResponse]:
    """Send an SMS OTP

     Sends a one-time password by SMS. `token`, when given, is the OTP: it replaces
    a placeholder in `text` or is sent as is. With `valid_time` (and optionally
    `limit_try`) the gateway keeps the code so that `/verify` can check it.

    Args:
        body (SmsOtpRequest): Request of `/smsotp`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SmsResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SmsOtpRequest,
) -> ErrorResponse | SmsResponse | None:
    """Send an SMS OTP

     Sends a one-time password by SMS. `token`, when given, is the OTP: it replaces
    a placeholder in `text` or is sent as is. With `valid_time` (and optionally
    `limit_try`) the gateway keeps the code so that `/verify` can check it.

    Args:
        body (SmsOtpRequest): Request of `/smsotp`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SmsResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
