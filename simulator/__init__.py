"""The simulator: forecast a rule file on a synthetic population before it goes live.

SimPy drives the real engine with simulated time; no rule is re-implemented here.

    scenario.py / loader.py   the scenario (pydantic, TOML; errors name field and line)
    calibration.py            default behaviour figures and the public data they come from
    population.py             synthetic leads: personas, attributes, readiness, arrivals
    behaviour.py, organic.py  how leads answer touches and what they do on their own
    sales.py                  sales capacity as a simpy.Resource
    model.py                  one replication: one scheduler process around the engine
    agenda.py, handlers.py    the scheduler's heap of int entries; what each entry does
    streams.py                named random streams from (seed, run, name)
    runner.py                 replications in a process pool (same seed, same numbers)
    metrics.py / forecast.py  per-run numbers; mean and 90% interval; paired differences
    report.py / compare_report.py   the text a strategist reads
    api.py                    what the command line and the TUI call
"""
