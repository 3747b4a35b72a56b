%% What a lookup and a registration cost in Elixir's Registry (keys: :unique, one partition),
%% written in Erlang because Elixir is not installed where the bench runs. The data path is the
%% same as Elixir 1.14's:
%%
%% - a named, read-concurrent ETS table holds the registry's own information (which tables
%%   hold the keys and the pids, and which process owns them);
%% - a key table (a set) maps each key to {Pid, Value};
%% - a pid table (a duplicate bag) maps each registered pid to its keys, and the owner process
%%   is linked to every registrant so that it can delete a dead process's keys.
%%
%% register/3 reads the information, links to the owner, writes the pid table, then
%% `ets:insert_new`s the key. lookup/2 reads the information, reads the key's entry and, as
%% Elixir does for unique keys, returns it only if the process is alive.
-module(bench_registry).
-behaviour(gen_server).

-export([start_link/1, register/3, lookup/2]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start_link(Name) ->
    gen_server:start_link(?MODULE, Name, []).

register(Registry, Key, Value) ->
    {Keys, Owner, Pids} = ets:lookup_element(Registry, all_info, 2),
    Self = self(),
    true = link(Owner),
    true = ets:insert(Pids, {Self, Key, Keys}),
    case ets:insert_new(Keys, {Key, {Self, Value}}) of
        true ->
            {ok, Owner};
        false ->
            true = ets:delete_object(Pids, {Self, Key, Keys}),
            [{Key, {Pid, _}}] = ets:lookup(Keys, Key),
            {error, {already_registered, Pid}}
    end.

lookup(Registry, Key) ->
    Keys = ets:lookup_element(Registry, key_info, 2),
    try ets:lookup_element(Keys, Key, 2) of
        {Pid, _Value} = Entry ->
            case is_process_alive(Pid) of
                true -> [Entry];
                false -> []
            end
    catch
        error:badarg -> []
    end.

init(Name) ->
    process_flag(trap_exit, true),
    Name = ets:new(Name, [set, public, named_table, {read_concurrency, true}]),
    Concurrent = [public, {read_concurrency, true}, {write_concurrency, true}],
    Keys = ets:new(keys, [set | Concurrent]),
    Pids = ets:new(pids, [duplicate_bag | Concurrent]),
    true = ets:insert(Name, [{key_info, Keys}, {all_info, {Keys, self(), Pids}}]),
    {ok, Pids}.

handle_call(_Request, _From, Pids) ->
    {reply, ok, Pids}.

handle_cast(_Request, Pids) ->
    {noreply, Pids}.

%% A registrant exited: delete its keys.
handle_info({'EXIT', Pid, _Reason}, Pids) ->
    [ets:match_delete(Keys, {Key, {Pid, '_'}}) || {_, Key, Keys} <- ets:take(Pids, Pid)],
    {noreply, Pids}.
