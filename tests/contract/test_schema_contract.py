"""The OpenAPI schema reads as a contract: every parameter described, realistic examples that fit their
schemas on every body, path parameters named alike everywhere, and no internals in public text."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

# Words that belong to the code, not to the API: module paths, libraries, the database, Python names.
INTERNAL = re.compile(
    r"(?-i:\b(?!doctor_session\b|page_size\b)[a-z]+_[a-z_]+\b)|\.py\b|simplejwt|secantus|mongo|selector|"
    r"serializer|queryset|decision|docs/|django|\bdrf\b|core/|\bindex\b",
    re.IGNORECASE,
)
PATH_PARAMETERS = {
    "doctorId",
    "appointmentId",
    "consultationId",
    "prescriptionId",
    "clinicId",
    "slotId",
    "exceptionId",
    "notificationId",
}


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def bodies(operation: dict) -> Iterator[tuple[str, str, dict]]:
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        yield "request", media_type, media
    for code, response in operation["responses"].items():
        if code.startswith("2"):
            for media_type, media in response.get("content", {}).items():
                yield code, media_type, media


def resolve(schema: dict, node: dict) -> dict:
    if "$ref" in node:
        return resolve(schema, schema["components"]["schemas"][node["$ref"].rpartition("/")[2]])
    if "allOf" in node and len(node["allOf"]) == 1:
        return resolve(schema, node["allOf"][0])
    return node


def only_files(schema: dict, media: dict) -> bool:
    node = resolve(schema, media.get("schema", {}))
    if node.get("format") == "binary":
        return True
    properties = node.get("properties", {})
    return bool(properties) and all(p.get("format") == "binary" for p in properties.values())


def misfits(schema: dict, node: dict, value: Any, where: str) -> list[str]:
    """Where `value` does not fit `node`: unknown or missing properties, wrong JSON types (recursively)."""
    outer_nullable = bool(node.get("nullable"))
    node = resolve(schema, node)
    if value is None:
        nullable = outer_nullable or node.get("nullable") or "oneOf" in node or not node.get("type")
        return [] if nullable else [f"{where}: null"]
    if "oneOf" in node:
        return [] if any(not misfits(schema, n, value, where) for n in node["oneOf"]) else [f"{where}: no oneOf fits"]
    if node.get("type") == "object" or "properties" in node:
        return _object_misfits(schema, node, value, where)
    if node.get("type") == "array":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [
            p for n, item in enumerate(value) for p in misfits(schema, node.get("items", {}), item, f"{where}[{n}]")
        ]
    return _scalar_misfits(node, value, where)


def _object_misfits(schema: dict, node: dict, value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    properties = node.get("properties", {})
    problems = [f"{where}.{key}: unknown" for key in value if properties and key not in properties]
    problems += [f"{where}.{key}: missing" for key in node.get("required", []) if key not in value]
    for key, item in value.items():
        if key in properties:
            problems += misfits(schema, properties[key], item, f"{where}.{key}")
    return problems


def _scalar_misfits(node: dict, value: Any, where: str) -> list[str]:
    kind = node.get("type")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
    if kind in types and not isinstance(value, types[kind]):
        return [f"{where}: not a {kind}"]
    if "enum" in node and value not in node["enum"]:
        return [f"{where}: {value!r} not in the enum"]
    if kind == "string" and value == "string":
        return [f"{where}: a placeholder"]
    return []


def test_every_parameter_is_described(schema: dict) -> None:
    bare = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, method, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if not parameter.get("description", "").strip()
    ]
    assert bare == []


def test_every_body_has_an_example_that_fits_its_schema(schema: dict) -> None:
    missing, wrong = [], []
    for path, method, operation in operations(schema):
        for code, media_type, media in bodies(operation):
            label = f"{method.upper()} {path} {code} {media_type}"
            if only_files(schema, media):
                continue
            examples = [e["value"] for e in media.get("examples", {}).values()]
            if not examples:
                missing.append(label)
            for value in examples:
                wrong += misfits(schema, media["schema"], value, label)
    assert missing == []
    assert wrong == []


def test_path_parameters_are_named_alike_and_declared_once(schema: dict) -> None:
    for path, method, operation in operations(schema):
        in_path = re.findall(r"{(\w+)}", path)
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        assert sorted(declared) == sorted(in_path), (method, path)
        assert set(in_path) <= PATH_PARAMETERS, (method, path)


def test_public_text_says_nothing_about_internals(schema: dict) -> None:
    texts = [
        (f"{m.upper()} {p} {k}", op.get(k) or "") for p, m, op in operations(schema) for k in ("summary", "description")
    ]
    texts += [
        (f"{m.upper()} {p} {param['name']}", param.get("description", ""))
        for p, m, op in operations(schema)
        for param in op.get("parameters", [])
    ]
    for name, component in schema["components"]["schemas"].items():
        if "enum" not in component:
            texts.append((name, component.get("description", "")))
        texts += [
            (f"{name}.{key}", prop.get("description", "")) for key, prop in component.get("properties", {}).items()
        ]
    leaks = [(where, INTERNAL.findall(text)) for where, text in texts if INTERNAL.search(text)]
    assert leaks == []
