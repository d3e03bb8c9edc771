"""Every scenario field is documented: a default and a meaning, shown in the generated reference."""

from __future__ import annotations

from pydantic_core import PydanticUndefined

from simulator.scenario_doc import SECTIONS, reference


def test_every_scenario_field_has_a_default_and_a_description():
    for title, model in SECTIONS:
        for name, field in model.model_fields.items():
            assert field.description, f"{title} {name} has no description"
            has_default = (
                field.default is not PydanticUndefined or field.default_factory is not None
            )
            assert has_default, f"{title} {name} has no default"


def test_reference_lists_fields_with_defaults():
    text = reference()
    assert "| `leads` | `1000` | how many leads arrive over the horizon |" in text
    assert "| `reps` | `2` |" in text
    assert "- `lognormal`: `min`, `max`, `round`, `median`, `sigma`." in text
