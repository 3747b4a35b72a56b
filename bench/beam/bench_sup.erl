%% A supervisor whose flags and child specs are its start argument, so that every workload
%% writes its own tree inline: bench_sup:start_link(#{strategy => one_for_one}, [Spec, ...]).
-module(bench_sup).
-behaviour(supervisor).

-export([start_link/2, init/1]).

start_link(Flags, Children) ->
    supervisor:start_link(?MODULE, {Flags, Children}).

init({Flags, Children}) ->
    {ok, {Flags, Children}}.
