from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.sms_request import SmsRequest
from ...models.sms_response import SmsResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SmsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sms",
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
    body: SmsRequest,
) -> Response[ErrorResponse | SmsResponse]:
    """Send an SMS

     Sends one SMS (split into several parts when long) from a registered sender
    ID. Text that looks like a one-time password (otp, code, kode, password, kata
    sandi) belongs on `/smsotp`; the gateway may refuse it here with rc 43. The
    delivery report is posted to `callback_url` or the account default.

    Args:
        body (SmsRequest): Request of `/sms`.

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
    body: SmsRequest,
) -> ErrorResponse | SmsResponse | None:
    """Send an SMS

     Sends one SMS (split into several parts when long) from a registered sender
    ID. Text that looks like a one-time password (otp, code, kode, password, kata
    sandi) belongs on `/smsotp`; the gateway may refuse it here with rc 43. The
    delivery report is posted to `callback_url` or the account default.

    Args:
        body (SmsRequest): Request of `/sms`.

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
    body: SmsRequest,
) -> Response[ErrorResponse | SmsResponse]:
    """Send an SMS

     Sends one SMS (split into several parts when long) from a registered sender
    ID. Text that looks like a one-time password (otp, code, kode, password, kata
    sandi) belongs on `/smsotp`; the gateway may refuse it here with rc 43. The
    delivery report is posted to `callback_url` or the account default.

    Args:
        body (SmsRequest): Request of `/sms`.

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
    body: SmsRequest,
) -> ErrorResponse | SmsResponse | None:
    """Send an SMS

     Sends one SMS (split into several parts when long) from a registered sender
    ID. Text that looks like a one-time password (otp, code, kode, password, kata
    sandi) belongs on `/smsotp`; the gateway may refuse it here with rc 43. The
    delivery report is posted to `callback_url` or the account default.

    Args:
        body (SmsRequest): Request of `/sms`.

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
