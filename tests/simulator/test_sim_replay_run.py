"""The simulator's actions equal what `nurture run` produces from the recorded leads and events.

A small b2b replication is recorded, its leads and synthetic events are written as JSON Lines,
and the live runner (`nurture run`, SQLite and all) is run over them up to the horizon's end
with the same seed: it must write exactly the simulator's actions.
"""

from __future__ import annotations

import json

from test_sim_replay import _record

from cli.main import main
from engine import Lead, format_time
from simulator.replications import engine_seed


def test_nurture_run_over_the_recorded_log_writes_the_same_actions(tmp_path, capsys):
    rules = "rules/b2b_saas_trial.nurture"
    _, model = _record(rules, "rules/b2b_saas_trial.scenario.toml", 120, 30)
    leads = [x for x in model.log if isinstance(x, Lead)]
    events = [x for x in model.log if not isinstance(x, Lead)]
    with open(tmp_path / "leads.jsonl", "w") as f:
        for lead in leads:
            f.write(
                json.dumps(
                    {"id": lead.id, "created_at": format_time(lead.created_at), **lead.attrs}
                )
                + "\n"
            )
    with open(tmp_path / "events.jsonl", "w") as f:
        for e in events:
            f.write(
                json.dumps(
                    {
                        "id": e.id,
                        "lead": e.lead,
                        "type": e.type,
                        "at": format_time(e.at),
                        "props": e.props,
                    }
                )
                + "\n"
            )
    out = tmp_path / "actions.jsonl"
    code = main(
        [
            "run",
            rules,
            "--leads",
            str(tmp_path / "leads.jsonl"),
            "--events",
            str(tmp_path / "events.jsonl"),
            "--db",
            str(tmp_path / "x.db"),
            "--until",
            format_time(model.end),
            "--seed",
            str(engine_seed(0, 0)),
            "--actions",
            str(out),
        ]
    )
    capsys.readouterr()
    assert code == 0
    written = [json.loads(line) for line in out.read_text().splitlines()]
    expected = [a.to_dict() for a in model.actions]
    assert len(expected) > 100
    assert [(w["lead"], w["at"], w["action"]) for w in written] == [
        (x["lead"], x["at"], x["action"]) for x in expected
    ]
    assert written == expected
