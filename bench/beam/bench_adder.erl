%% The adder of `make bench`, as a gen_server: a cast adds a number to the total, a call adds
%% the number and replies with the new total (bench/src/otp.rs has the same server on otp-core).
%%
%% `{hold, From}` is for the mailbox workload only: the server tells From that it holds, then
%% waits for a plain `release` message, so that every cast sent meanwhile stays queued.
-module(bench_adder).
-behaviour(gen_server).

-export([init/1, handle_call/3, handle_cast/2]).

init(Total) ->
    {ok, Total}.

handle_call(N, _From, Total) ->
    {reply, Total + N, Total + N}.

handle_cast({hold, From}, Total) ->
    From ! held,
    receive
        release -> {noreply, Total}
    end;
handle_cast(N, Total) ->
    {noreply, Total + N}.
