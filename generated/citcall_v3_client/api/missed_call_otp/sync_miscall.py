from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.call_request import CallRequest
from ...models.call_response import CallResponse
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: CallRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/call",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallResponse | ErrorResponse:
    if response.status_code == 200:
        response_200 = CallResponse.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CallResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CallRequest,
) -> Response[CallResponse | ErrorResponse]:
    """Place a missed call and wait for its outcome (deprecated)

     Synchronous missed call: the gateway answers only when the call has ended,
    with the fields of the missed-call callback. Deprecated in favour of
    `/asynccall` (the official SDK 3.4 keeps it only as a stub).

    Args:
        body (CallRequest): Request of the deprecated synchronous `/call`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallResponse | ErrorResponse]
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
    body: CallRequest,
) -> CallResponse | ErrorResponse | None:
    """Place a missed call and wait for its outcome (deprecated)

     Synchronous missed call: the gateway answers only when the call has ended,
    with the fields of the missed-call callback. Deprecated in favour of
    `/asynccall` (the official SDK 3.4 keeps it only as a stub).

    Args:
        body (CallRequest): Request of the deprecated synchronous `/call`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CallRequest,
) -> Response[CallResponse | ErrorResponse]:
    """Place a missed call and wait for its outcome (deprecated)

     Synchronous missed call: the gateway answers only when the call has ended,
    with the fields of the missed-call callback. Deprecated in favour of
    `/asynccall` (the official SDK 3.4 keeps it only as a stub).

    Args:
        body (CallRequest): Request of the deprecated synchronous `/call`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CallRequest,
) -> CallResponse | ErrorResponse | None:
    """Place a missed call and wait for its outcome (deprecated)

     Synchronous missed call: the gateway answers only when the call has ended,
    with the fields of the missed-call callback. Deprecated in favour of
    `/asynccall` (the official SDK 3.4 keeps it only as a stub).

    Args:
        body (CallRequest): Request of the deprecated synchronous `/call`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
