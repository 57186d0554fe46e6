"""Contains all the data models used in inputs/outputs"""

from .call_request import CallRequest
from .call_response import CallResponse
from .dial_code import DialCode
from .error_response import ErrorResponse
from .gateway_number_type_1 import GatewayNumberType1
from .miscall_request import MiscallRequest
from .miscall_response import MiscallResponse
from .missed_call_callback import MissedCallCallback
from .response_code import ResponseCode
from .sms_callback import SmsCallback
from .sms_otp_callback import SmsOtpCallback
from .sms_otp_request import SmsOtpRequest
from .sms_request import SmsRequest
from .sms_response import SmsResponse
from .verify_request import VerifyRequest
from .verify_response import VerifyResponse

__all__ = (
    "CallRequest",
    "CallResponse",
    "DialCode",
    "ErrorResponse",
    "GatewayNumberType1",
    "MiscallRequest",
    "MiscallResponse",
    "MissedCallCallback",
    "ResponseCode",
    "SmsCallback",
    "SmsOtpCallback",
    "SmsOtpRequest",
    "SmsRequest",
    "SmsResponse",
    "VerifyRequest",
    "VerifyResponse",
)
