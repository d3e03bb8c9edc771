"""Compiling a checked Program into what the engine runs (`CompiledProgram`), once.

Every condition and rule becomes generated Python, one module per program, executed once with
no builtins under `<nurture generated: FILE>` (registered with `linecache`: a traceback from
inside it shows its lines; `nurture check --emit-python` prints it). User text reaches it only
through `repr()`; generated names are counters.

    shared.py          compiled programs shared by the engines of a process (equal programs)
    compiled.py        CompiledProgram: the program's tables, its generated module, bound
    sequences.py       sequences flattened into instructions (Instr, SeqC)
    codegen.py         ModuleBuilder: conditions to source, the module compiled (once per process
                       for the same source) and registered;
                       codegen_values.py its comparisons and values
    gen_round.py       the round, points, exits/enrolments and one function per event type
    gen_static.py      what attributes alone decide, when they are set
    gen_wake.py        the next instant time alone can change something
    helpers.py         what generated code calls besides the engine (normalisers, counting)
    calls.py           what generated code calls on the engine (GeneratedCalls)
    analysis.py        attribute-only conditions, time sources; timecross.py their instants
    regexguard.py      `matches` on RE2 (linear time), patterns compiled once, recent answers kept
"""
