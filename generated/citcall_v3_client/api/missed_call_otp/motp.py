from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.miscall_request import MiscallRequest
from ...models.miscall_response import MiscallResponse
from ...types import Response


def _get_kwargs(
    *,
    body: MiscallRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/motp",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | MiscallResponse:
    if response.status_code == 200:
        response_200 = MiscallResponse.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | MiscallResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: MiscallRequest,
) -> Response[ErrorResponse | MiscallResponse]:
    """Send a missed-call OTP (current name)

     The name that the official SDK (3.4) uses for `/asynccall`: the same request,
    response and callback. The SDK sends the gateway choice as `retry`.

    Args:
        body (MiscallRequest): Request of `/asynccall` and `/motp`. Exactly one of `gateway` and
            `retry` chooses the telephony gateway. `valid_time` (and `limit_try`) make the gateway
            keep the OTP for `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MiscallResponse]
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
    body: MiscallRequest,
) -> ErrorResponse | MiscallResponse | None:
    """Send a missed-call OTP (current name)

     The name that the official SDK (3.4) uses for `/asynccall`: the same request,
    response and callback. The SDK sends the gateway choice as `retry`.

    Args:
        body (MiscallRequest): Request of `/asynccall` and `/motp`. Exactly one of `gateway` and
            `retry` chooses the telephony gateway. `valid_time` (and `limit_try`) make the gateway
            keep the OTP for `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MiscallResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: MiscallRequest,
) -> Response[ErrorResponse | MiscallResponse]:
    """Send a missed-call OTP (current name)

     The name that the official SDK (3.4) uses for `/asynccall`: the same request,
    response and callback. The SDK sends the gateway choice as `retry`.

    Args:
        body (MiscallRequest): Request of `/asynccall` and `/motp`. Exactly one of `gateway` and
            `retry` chooses the telephony gateway. `valid_time` (and `limit_try`) make the gateway
            keep the OTP for `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | MiscallResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: MiscallRequest,
) -> ErrorResponse | MiscallResponse | None:
    """Send a missed-call OTP (current name)

     The name that the official SDK (3.4) uses for `/asynccall`: the same request,
    response and callback. The SDK sends the gateway choice as `retry`.

    Args:
        body (MiscallRequest): Request of `/asynccall` and `/motp`. Exactly one of `gateway` and
            `retry` chooses the telephony gateway. `valid_time` (and `limit_try`) make the gateway
            keep the OTP for `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | MiscallResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
