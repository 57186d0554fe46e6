from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.verify_request import VerifyRequest
from ...models.verify_response import VerifyResponse
from ...types import Response


def _get_kwargs(
    *,
    body: VerifyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | VerifyResponse:
    if response.status_code == 200:
        response_200 = VerifyResponse.from_dict(response.json())

        return response_200

    response_default = ErrorResponse.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | VerifyResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
) -> Response[ErrorResponse | VerifyResponse]:
    """Verify an OTP

     Checks the code a user typed against an OTP sent earlier by `/asynccall`,
    `/motp` or `/smsotp` with a `valid_time`. Not in the provider's page; used by
    the official SDK (`verify_motp`) and other clients. Failures are rc 78 (no
    such transaction), 79 (wrong code), 80 (expired) and 81 (too many tries).

    The sandbox checks in that order: 78 for a `trxid` it keeps no code for (never
    issued, requested without `valid_time`, already verified, or forgotten after
    its grace period) or for another number, then 80 once `valid_time` has passed,
    then 81 once `limit_try` attempts are used, then 79 for a wrong code. Which of
    these rules rest on an assumption is said in `x-sandbox-rules`.

    Args:
        body (VerifyRequest): Request of `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VerifyResponse]
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
    body: VerifyRequest,
) -> ErrorResponse | VerifyResponse | None:
    """Verify an OTP

     Checks the code a user typed against an OTP sent earlier by `/asynccall`,
    `/motp` or `/smsotp` with a `valid_time`. Not in the provider's page; used by
    the official SDK (`verify_motp`) and other clients. Failures are rc 78 (no
    such transaction), 79 (wrong code), 80 (expired) and 81 (too many tries).

    The sandbox checks in that order: 78 for a `trxid` it keeps no code for (never
    issued, requested without `valid_time`, already verified, or forgotten after
    its grace period) or for another number, then 80 once `valid_time` has passed,
    then 81 once `limit_try` attempts are used, then 79 for a wrong code. Which of
    these rules rest on an assumption is said in `x-sandbox-rules`.

    Args:
        body (VerifyRequest): Request of `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VerifyResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
) -> Response[ErrorResponse | VerifyResponse]:
    """Verify an OTP

     Checks the code a user typed against an OTP sent earlier by `/asynccall`,
    `/motp` or `/smsotp` with a `valid_time`. Not in the provider's page; used by
    the official SDK (`verify_motp`) and other clients. Failures are rc 78 (no
    such transaction), 79 (wrong code), 80 (expired) and 81 (too many tries).

    The sandbox checks in that order: 78 for a `trxid` it keeps no code for (never
    issued, requested without `valid_time`, already verified, or forgotten after
    its grace period) or for another number, then 80 once `valid_time` has passed,
    then 81 once `limit_try` attempts are used, then 79 for a wrong code. Which of
    these rules rest on an assumption is said in `x-sandbox-rules`.

    Args:
        body (VerifyRequest): Request of `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | VerifyResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: VerifyRequest,
) -> ErrorResponse | VerifyResponse | None:
    """Verify an OTP

     Checks the code a user typed against an OTP sent earlier by `/asynccall`,
    `/motp` or `/smsotp` with a `valid_time`. Not in the provider's page; used by
    the official SDK (`verify_motp`) and other clients. Failures are rc 78 (no
    such transaction), 79 (wrong code), 80 (expired) and 81 (too many tries).

    The sandbox checks in that order: 78 for a `trxid` it keeps no code for (never
    issued, requested without `valid_time`, already verified, or forgotten after
    its grace period) or for another number, then 80 once `valid_time` has passed,
    then 81 once `limit_try` attempts are used, then 79 for a wrong code. Which of
    these rules rest on an assumption is said in `x-sandbox-rules`.

    Args:
        body (VerifyRequest): Request of `/verify`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | VerifyResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
