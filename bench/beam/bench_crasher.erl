%% A worker that fails when told to (a cast of `crash`), for the restart workloads. Started with
%% a pid, it sends `{started, self()}` to that pid from every `init`, so that the bench sees each
%% restart as soon as the new process is up (the `Crasher` of bench/src/otp.rs does the same).
-module(bench_crasher).
-behaviour(gen_server).

-export([init/1, handle_call/3, handle_cast/2]).

init(none) ->
    {ok, crasher};
init(Notify) when is_pid(Notify) ->
    Notify ! {started, self()},
    {ok, crasher}.

handle_call(_Request, _From, State) ->
    {reply, ok, State}.

handle_cast(crash, _State) ->
    error(boom).
