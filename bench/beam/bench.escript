#!/usr/bin/env escript
%%! +S 2 +P 2000000
%% The BEAM column of `make bench` (see otp_bench.erl). Runs on two schedulers (+S 2), one per
%% core of the machine the tables were made on, as the Rust bench's tokio runtime has two
%% workers; +P raises the process limit for the million-process rows.
%%
%% Usage: escript bench/beam/bench.escript call cast ...   (the Rust bench calls it)
main(Args) ->
    Dir = filename:dirname(escript:script_name()),
    Modules = [load(filename:join(Dir, F))
               || F <- ["bench_adder.erl", "bench_crasher.erl", "bench_sup.erl",
                        "bench_registry.erl", "otp_bench.erl"]],
    persistent_term:put(otp_bench_modules, Modules),
    otp_bench:main(Args).

%% Compiles a module in memory and loads it; returns what a second node needs to load it too.
load(File) ->
    case compile:file(File, [binary, report, warnings_as_errors]) of
        {ok, Module, Binary} ->
            {module, Module} = code:load_binary(Module, File, Binary),
            {Module, File, Binary};
        error ->
            halt(1)
    end.
