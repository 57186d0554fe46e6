"""The spec and what is read straight from it: the bottom layer, with `core/`.

Loading, validators, ECMA patterns, the operation index; codes, rules, scenarios and
servers. Imports only the standard library, `core/` and (on first use) YAML/jsonschema.
"""

from citcall_contract.spec.document import (
    SPEC_FILENAME,
    SPEC_URI,
    component_schema,
    default_base_url,
    iter_named_examples,
    load_spec,
    parse_yaml,
    pointer,
    registry,
    resolve,
    servers,
    spec_path,
)
from citcall_contract.spec.ecma import ecma_regex, ecma_to_python
from citcall_contract.spec.fast_path import surely_valid
from citcall_contract.spec.operation_index import (
    Operation,
    Webhook,
    example_values,
    operation,
    operation_callback,
    operation_for_path,
    operations,
    webhooks,
)
from citcall_contract.spec.validators import (
    error_location,
    format_checker,
    schema_validator,
    validator,
)

__all__ = [
    "SPEC_FILENAME",
    "SPEC_URI",
    "Operation",
    "Webhook",
    "component_schema",
    "default_base_url",
    "ecma_regex",
    "ecma_to_python",
    "error_location",
    "example_values",
    "format_checker",
    "iter_named_examples",
    "load_spec",
    "operation",
    "operation_callback",
    "operation_for_path",
    "operations",
    "parse_yaml",
    "pointer",
    "registry",
    "resolve",
    "schema_validator",
    "servers",
    "spec_path",
    "surely_valid",
    "validator",
    "webhooks",
]
