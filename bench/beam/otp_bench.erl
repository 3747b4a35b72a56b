%% The BEAM column of `make bench`: the workloads of bench/src/ written with OTP itself, with
%% the same counts, one warm-up run, then the median of five runs. bench.escript compiles this
%% module and its callback modules at run time and calls main/1; the Rust bench parses what it
%% prints:
%%
%%   version <OTP version> <erts version> <emulator flavor> <schedulers online>
%%   row <key> <median> <min> <max>      (nanoseconds per operation, or bytes)
%%   info <key> <value>                  (figures quoted in BENCHMARKS.md's text)
%%
%% Arguments: workload groups (the keys of the Rust bench: call call-timeout cast fan-in idle
%% restart processes link ring lookup-restart tree dynamic registry million), or one of
%% `--rss gen-server|process|million-process` and `--mailbox` (each measures resident memory,
%% so the Rust bench runs it in a fresh VM), or `dist` (two nodes over loopback; the Rust bench
%% starts a private epmd for it and passes its port in ERL_EPMD_PORT), or `dist-to <node>` (this
%% VM calls and casts to the adder an otp-core node registered as `otp_bench_adder`).
-module(otp_bench).

-export([main/1]).

-define(RUNS, 5).
-define(CALLS, 200000).
-define(CASTS, 1000000).
-define(CLIENTS, 8).
-define(CALLS_PER_CLIENT, 25000).
-define(IDLE, 100000).
-define(CRASHES, 2000).
-define(LINK_KILLS, 20000).
-define(RING, 1000).
-define(HOPS, 1000000).
-define(TREE_CRASHES, 10000).
-define(TREE, 10000).
-define(DYNAMIC, 100000).
-define(KEYS, 100000).
-define(LOOKUPS, 1000000).
-define(MILLION, 1000000).
-define(QUEUED, 1000000).
-define(REMOTE_CALLS, 20000).
-define(REMOTE_CASTS, 200000).

%% A restart intensity that is never reached, as the Rust bench's `max_restarts(u32::MAX)`.
-define(NO_LIMIT, 16#FFFFFFFF).

main(Args) ->
    %% No log handler formats anything: the Rust bench installs no tracing subscriber either.
    %% Crash reports of the restart workloads are then dropped where they are made.
    ok = logger:set_primary_config(level, none),
    version(),
    lists:foreach(fun run/1, parse(Args)).

parse(["--rss", What | Rest]) -> [{rss, What} | parse(Rest)];
parse(["--mailbox" | Rest]) -> [mailbox | parse(Rest)];
parse(["dist-to", Node | Rest]) -> [{dist_to, list_to_atom(Node)} | parse(Rest)];
parse([Group | Rest]) -> [Group | parse(Rest)];
parse([]) -> [].

version() ->
    Release = erlang:system_info(otp_release),
    File = filename:join([code:root_dir(), "releases", Release, "OTP_VERSION"]),
    Otp = case file:read_file(File) of
              {ok, V} -> string:trim(binary_to_list(V));
              _ -> Release
          end,
    io:format("version ~s ~s ~s ~w~n",
              [Otp, erlang:system_info(version), erlang:system_info(emu_flavor),
               erlang:system_info(schedulers_online)]).

run("call") -> row("call", per_op(fun() -> call_round_trip(infinity) end));
run("call-timeout") -> row("call-timeout", per_op(fun() -> call_round_trip(default) end));
run("cast") -> row("cast", per_op(fun cast_throughput/0));
run("fan-in") -> row("fan-in", per_op(fun fan_in/0));
run("idle") ->
    info("gen-server-memory", idle_memory(fun start_adder/0)),
    idle_rows("idle", ?IDLE, ?RUNS, fun start_adder/0, shutdown);
run("restart") ->
    %% The same workload with fewer restarts, to show how the cost per restart grows with the
    %% number of restarts the supervisor remembers (see restart/1).
    info("restart-200", median(per_op(fun() -> restart(200) end))),
    row("restart", per_op(fun() -> restart(?CRASHES) end));
run("processes") ->
    info("process-memory", idle_memory(fun spawn_idle/0)),
    idle_rows("processes", ?IDLE, ?RUNS, fun spawn_idle/0, kill);
run("link") -> row("link", per_op(fun link_kill/0));
run("ring") -> row("ring", per_op(fun ring/0));
run("lookup-restart") ->
    info("lookup-restart-1000", median(per_op(fun() -> lookup_restart(1000) end))),
    row("lookup-restart", per_op(fun() -> lookup_restart(?TREE_CRASHES) end));
run("tree") -> row("tree", timed_runs(fun stop_tree/0));
run("dynamic") -> dynamic();
run("registry") -> registry();
run("million") -> idle_rows("million", ?MILLION, 2, fun spawn_idle/0, kill);
run({rss, "gen-server"}) -> rss("gen-server", ?IDLE, fun start_adder/0);
run({rss, "process"}) -> rss("process", ?IDLE, fun spawn_idle/0);
run({rss, "million-process"}) -> rss("million-process", ?MILLION, fun spawn_idle/0);
run(mailbox) -> mailbox();
run("dist") -> dist();
run({dist_to, Node}) -> dist_to(Node);
run(Other) -> erlang:error({unknown_workload, Other}).

row(Key, {Median, Min, Max}) ->
    io:format("row ~s ~.3f ~.3f ~.3f~n", [Key, float(Median), float(Min), float(Max)]).

info(Key, Value) when is_float(Value) ->
    io:format("info ~s ~.3f~n", [Key, Value]);
info(Key, Value) ->
    io:format("info ~s ~w~n", [Key, Value]).

median({Median, _Min, _Max}) -> Median.

%% ---------------------------------------------------------------------------------------------
%% Measuring

now_ns() -> erlang:monotonic_time(nanosecond).

%% Runs Fun in a fresh process and returns its result, as the Rust bench runs each workload in
%% a process of a fresh node. A failure stops the whole bench.
in_process(Fun) ->
    {Pid, Ref} = spawn_monitor(fun() -> exit({done, Fun()}) end),
    receive
        {'DOWN', Ref, process, Pid, {done, Result}} -> Result;
        {'DOWN', Ref, process, Pid, Reason} -> erlang:error({workload_failed, Reason})
    end.

%% Nanoseconds per operation: Fun does some operations and returns how many. One warm-up run,
%% then ?RUNS measured ones; the median, fastest and slowest.
per_op(Fun) ->
    _ = in_process(Fun),
    figure([begin
                T0 = now_ns(),
                Ops = in_process(Fun),
                (now_ns() - T0) / Ops
            end || _ <- lists:seq(1, ?RUNS)]).

%% Fun returns the nanoseconds per operation of the part it times itself.
timed_runs(Fun) ->
    _ = in_process(Fun),
    figure([in_process(Fun) || _ <- lists:seq(1, ?RUNS)]).

%% The same pick as the Rust harness: the sample at index len/2 of the sorted samples.
figure(Samples) ->
    Sorted = lists:sort(Samples),
    {lists:nth(length(Sorted) div 2 + 1, Sorted), hd(Sorted), lists:last(Sorted)}.

%% Resident set size of this VM, in bytes (field 2 of /proc/self/statm, in 4 KiB pages, as the
%% Rust bench reads it).
rss_bytes() ->
    {ok, Statm} = file:read_file("/proc/self/statm"),
    [_, Resident | _] = string:lexemes(binary_to_list(Statm), " \n"),
    list_to_integer(Resident) * 4096.

%% Peak resident set size (VmHWM of /proc/self/status), in bytes.
peak_rss_bytes() ->
    {ok, Status} = file:read_file("/proc/self/status"),
    [Line] = [L || L <- string:lexemes(binary_to_list(Status), "\n"), lists:prefix("VmHWM:", L)],
    [_, Kb, "kB"] = string:lexemes(Line, " \t"),
    list_to_integer(Kb) * 1024.

%% ---------------------------------------------------------------------------------------------
%% The peer table

start_adder() ->
    {ok, S} = gen_server:start(bench_adder, 0, []),
    S.

%% `Timeout`: infinity, or `default` for gen_server:call/2 and its 5000 ms.
call_round_trip(Timeout) ->
    {ok, S} = gen_server:start_link(bench_adder, 0, []),
    calls(S, 0, ?CALLS, Timeout),
    ok = gen_server:stop(S, normal, infinity),
    ?CALLS.

calls(_S, N, N, _Timeout) -> ok;
calls(S, I, N, infinity) ->
    _ = gen_server:call(S, I, infinity),
    calls(S, I + 1, N, infinity);
calls(S, I, N, default) ->
    _ = gen_server:call(S, I),
    calls(S, I + 1, N, default).

cast_throughput() ->
    {ok, S} = gen_server:start_link(bench_adder, 0, []),
    casts(S, 0, ?CASTS),
    _ = gen_server:call(S, 0, infinity),
    ok = gen_server:stop(S, normal, infinity),
    ?CASTS.

casts(_S, N, N) -> ok;
casts(S, I, N) ->
    ok = gen_server:cast(S, I),
    casts(S, I + 1, N).

fan_in() ->
    {ok, S} = gen_server:start_link(bench_adder, 0, []),
    Clients = [spawn_monitor(fun() -> calls(S, 0, ?CALLS_PER_CLIENT, infinity) end)
               || _ <- lists:seq(1, ?CLIENTS)],
    [receive {'DOWN', Ref, process, Pid, normal} -> ok end || {Pid, Ref} <- Clients],
    ok = gen_server:stop(S, normal, infinity),
    ?CLIENTS * ?CALLS_PER_CLIENT.

%% `process_info(Pid, memory)` of one idle process made by Start: its heap, stack, message
%% queue and process control block (quoted beside the per-actor rows in BENCHMARKS.md).
idle_memory(Start) ->
    in_process(fun() ->
                       Pid = Start(),
                       {memory, Bytes} = process_info(Pid, memory),
                       exit(Pid, kill),
                       Bytes
               end).

%% Starts N idle processes with Start (which returns once the process is up), then stops them
%% all with an exit signal of Reason and waits until each is gone, as harness::idle does. Prints
%% the time per start, the time per stop and the VM's allocated bytes per idle process
%% (erlang:memory(total) while they are alive, minus before: the BEAM's counterpart of the
%% Rust bench's counting allocator). One warm-up run, then Runs measured ones.
idle_rows(Key, N, Runs, Start, Reason) ->
    Samples = [in_process(fun() -> idle_run(N, Start, Reason) end)
               || _ <- lists:seq(0, Runs)],
    {Spawn, Stop, Heap} = lists:unzip3(tl(Samples)),
    row(Key ++ "-spawn", figure(Spawn)),
    row(Key ++ "-stop", figure(Stop)),
    case Key of
        "million" -> ok;
        _ -> row(Key ++ "-heap", figure(Heap))
    end.

idle_run(N, Start, Reason) ->
    Before = erlang:memory(total),
    T0 = now_ns(),
    Pids = start_n(N, Start, []),
    T1 = now_ns(),
    Live = erlang:memory(total) - Before,
    [exit(P, Reason) || P <- Pids],
    [wait_exit(P) || P <- Pids],
    T2 = now_ns(),
    {(T1 - T0) / N, (T2 - T1) / N, Live / N}.

start_n(0, _Start, Acc) -> Acc;
start_n(N, Start, Acc) -> start_n(N - 1, Start, [Start() | Acc]).

%% Waits until Pid has exited (at once if it already has), as the Rust bench's `wait_exit`.
wait_exit(Pid) ->
    Ref = monitor(process, Pid),
    receive {'DOWN', Ref, process, Pid, _} -> ok end.

%% A plain process that only waits for messages, as bench/src/processes.rs's idle process.
spawn_idle() ->
    spawn(fun idle_loop/0).

idle_loop() ->
    receive _ -> idle_loop() end.

%% Resident bytes per idle process (run in a fresh VM).
rss(Key, N, Start) ->
    Before = rss_bytes(),
    Pids = start_n(N, Start, []),
    Per = (rss_bytes() - Before) / N,
    row("rss-" ++ Key, {Per, Per, Per}),
    [exit(P, kill) || P <- Pids],
    ok.

%% Crash-to-restarted: one child under a one_for_one supervisor whose intensity is never
%% reached; cast the child `crash`, wait for the `{started, Pid}` of its replacement, repeat.
%% OTP's supervisor keeps the time of every restart within the period (5 s) in a list and walks
%% it at each restart, so with the intensity lifted, restart k costs a little more than restart
%% k - 1 (bench/src/ keeps the same intensity; otp-core drops old restarts from a queue).
restart(Crashes) ->
    Self = self(),
    Child = #{id => crasher, start => {gen_server, start_link, [bench_crasher, Self, []]}},
    Flags = #{strategy => one_for_one, intensity => ?NO_LIMIT, period => 5},
    {ok, Sup} = bench_sup:start_link(Flags, [Child]),
    First = receive {started, P} -> P end,
    crash_loop(First, Crashes),
    ok = gen_server:stop(Sup, normal, infinity),
    Crashes.

crash_loop(_Child, 0) -> ok;
crash_loop(Child, K) ->
    ok = gen_server:cast(Child, crash),
    receive {started, New} -> crash_loop(New, K - 1) end.

%% ---------------------------------------------------------------------------------------------
%% The otp-core table

%% spawn_link a child, kill it, receive the exit message (this process traps exits).
link_kill() ->
    process_flag(trap_exit, true),
    link_kills(?LINK_KILLS),
    ?LINK_KILLS.

link_kills(0) -> ok;
link_kills(K) ->
    Child = spawn_link(fun() -> receive after infinity -> ok end end),
    exit(Child, kill),
    receive {'EXIT', Child, killed} -> ok end,
    link_kills(K - 1).

%% A ring of ?RING processes passing a counter ?HOPS times, built as bench/src/processes.rs
%% builds it: each process sends to the one made before it, and the first to the last.
ring() ->
    Self = self(),
    First = spawn(fun() -> receive {next, Next} -> ring_first(Next, Self) end end),
    Last = ring_build(First, ?RING - 1),
    First ! {next, Last},
    Last ! ?HOPS,
    receive ring_done -> ok end,
    ?HOPS.

ring_build(Next, 0) -> Next;
ring_build(Next, K) -> ring_build(spawn(fun() -> ring_node(Next) end), K - 1).

ring_first(Next, Done) ->
    receive
        0 -> Done ! ring_done;
        Hops -> Next ! Hops - 1, ring_first(Next, Done)
    end.

ring_node(Next) ->
    receive
        0 -> Next ! 0;
        Hops -> Next ! Hops - 1, ring_node(Next)
    end.

%% Crash-to-restarted as a client of the supervisor sees it: find the child with
%% which_children, make it crash, wait for its exit, find the new one. A lookup that finds no
%% child (being restarted) or the old one is repeated, so every counted round is a restart.
lookup_restart(Crashes) ->
    Child = #{id => crasher, start => {gen_server, start_link, [bench_crasher, none, []]}},
    Flags = #{strategy => one_for_one, intensity => ?NO_LIMIT, period => 5},
    {ok, Sup} = bench_sup:start_link(Flags, [Child]),
    lookup_crashes(Sup, undefined, Crashes),
    ok = gen_server:stop(Sup, normal, infinity),
    Crashes.

lookup_crashes(_Sup, _Last, 0) -> ok;
lookup_crashes(Sup, Last, K) ->
    case supervisor:which_children(Sup) of
        [{crasher, Last, worker, _}] ->
            erlang:yield(),
            lookup_crashes(Sup, Last, K);
        [{crasher, Pid, worker, _}] when is_pid(Pid) ->
            ok = gen_server:cast(Pid, crash),
            wait_exit(Pid),
            lookup_crashes(Sup, Pid, K - 1);
        [{crasher, _Restarting, worker, _}] ->
            lookup_crashes(Sup, Last, K)
    end.

%% Time to stop a supervisor of ?TREE idle workers, per child. OTP's supervisor stops them one
%% at a time in reverse start order, each with its shutdown time (5000 ms, the default).
stop_tree() ->
    Children = [#{id => {c, I}, start => {gen_server, start_link, [bench_crasher, none, []]}}
                || I <- lists:seq(0, ?TREE - 1)],
    {ok, Sup} = bench_sup:start_link(#{strategy => one_for_one}, Children),
    T0 = now_ns(),
    ok = gen_server:stop(Sup, normal, infinity),
    (now_ns() - T0) / ?TREE.

%% ?DYNAMIC start_child calls on a simple_one_for_one supervisor, then the time to stop it
%% with all of them: the BEAM's counterpart of Elixir's DynamicSupervisor (see BENCHMARKS.md).
dynamic() ->
    Samples = [in_process(fun dynamic_run/0) || _ <- lists:seq(0, ?RUNS)],
    {Start, Stop} = lists:unzip(tl(Samples)),
    row("dynamic-start", figure(Start)),
    row("dynamic-stop", figure(Stop)).

dynamic_run() ->
    Spec = #{id => dynamic, start => {gen_server, start_link, [bench_crasher, none, []]}},
    {ok, Sup} = bench_sup:start_link(#{strategy => simple_one_for_one}, [Spec]),
    T0 = now_ns(),
    start_children(Sup, ?DYNAMIC),
    T1 = now_ns(),
    ok = gen_server:stop(Sup, normal, infinity),
    T2 = now_ns(),
    {(T1 - T0) / ?DYNAMIC, T2 - T1}.

start_children(_Sup, 0) -> ok;
start_children(Sup, K) ->
    {ok, _} = supervisor:start_child(Sup, []),
    start_children(Sup, K - 1).

%% One process registers ?KEYS unique keys, then two processes make ?LOOKUPS lookups between
%% them (see bench_registry for what a registration and a lookup do).
registry() ->
    Samples = [in_process(fun registry_run/0) || _ <- lists:seq(0, ?RUNS)],
    {Register, Lookup} = lists:unzip(tl(Samples)),
    row("registry-register", figure(Register)),
    row("registry-lookup", figure(Lookup)).

registry_run() ->
    %% Killing the registry at the end must not take this process with it (registering
    %% linked it to the registry's owner).
    process_flag(trap_exit, true),
    {ok, Owner} = bench_registry:start_link(bench_registry_meta),
    T0 = now_ns(),
    register_keys(0),
    T1 = now_ns(),
    Lookers = [spawn_monitor(fun() -> lookups(T, 0, 0) end) || T <- [0, 1]],
    [receive {'DOWN', Ref, process, Pid, normal} -> ok end || {Pid, Ref} <- Lookers],
    T2 = now_ns(),
    exit(Owner, kill),
    wait_exit(Owner),
    {(T1 - T0) / ?KEYS, (T2 - T1) / ?LOOKUPS}.

register_keys(?KEYS) -> ok;
register_keys(K) ->
    {ok, _} = bench_registry:register(bench_registry_meta, K, K),
    register_keys(K + 1).

lookups(_T, ?LOOKUPS div 2, Found) ->
    Found = ?LOOKUPS div 2;
lookups(T, I, Found) ->
    case bench_registry:lookup(bench_registry_meta, (I * 7919 + T) rem ?KEYS) of
        [_] -> lookups(T, I + 1, Found + 1);
        [] -> lookups(T, I + 1, Found)
    end.

%% ---------------------------------------------------------------------------------------------
%% Memory under load (run in a fresh VM)

%% A gen_server holds (waits in a handle_cast for a plain `release` message, after telling the
%% client it does) while the client casts ?QUEUED numbers to it; with all of them queued, the bench reads the VM's resident and
%% peak memory, the VM's allocated bytes and the server's process memory (which includes its
%% message queue). Then the server is released and one call waits until it has read them all.
mailbox() ->
    in_process(fun() ->
                       Rss0 = rss_bytes(),
                       Allocated0 = erlang:memory(total),
                       {ok, S} = gen_server:start_link(bench_adder, 0, []),
                       ok = gen_server:cast(S, {hold, self()}),
                       receive held -> ok end,
                       T0 = now_ns(),
                       casts(S, 0, ?QUEUED),
                       T1 = now_ns(),
                       [{memory, Server}, {message_queue_len, Queued}] =
                           process_info(S, [memory, message_queue_len]),
                       Queued = ?QUEUED,
                       Allocated = erlang:memory(total) - Allocated0,
                       Rss = rss_bytes(),
                       S ! release,
                       _ = gen_server:call(S, 0, infinity),
                       T2 = now_ns(),
                       Peak = peak_rss_bytes(),
                       ok = gen_server:stop(S, normal, infinity),
                       one("mailbox-rss-growth", Rss - Rss0),
                       one("mailbox-peak-rss", Peak),
                       one("mailbox-peak-rss-growth", Peak - Rss0),
                       one("mailbox-allocated", Allocated),
                       one("mailbox-server-memory", Server),
                       one("mailbox-queue-ns", (T1 - T0) / ?QUEUED),
                       one("mailbox-drain-ns", (T2 - T1) / ?QUEUED)
               end).

one(Key, X) -> row(Key, {X, X, X}).

%% ---------------------------------------------------------------------------------------------
%% Distribution: two BEAM nodes on this machine, over 127.0.0.1

%% This VM becomes a distributed node and starts a second one with `peer` (OTP 25), both with
%% unique names and two schedulers, both listening on 127.0.0.1 only, registered with the epmd
%% whose port is in ERL_EPMD_PORT. The cookie comes from ERL_FLAGS (-setcookie), which the
%% second node inherits. The second node runs the adder; this one calls and casts to it.
dist() ->
    ok = application:set_env(kernel, inet_dist_use_interface, {127, 0, 0, 1}),
    Id = os:getpid(),
    {ok, _} = net_kernel:start([list_to_atom("otp_bench_a_" ++ Id ++ "@127.0.0.1"), longnames]),
    {ok, Peer, Node} =
        peer:start_link(#{name => "otp_bench_b_" ++ Id, host => "127.0.0.1", longnames => true,
                          wait_boot => 30000,
                          args => ["+S", "2", "-kernel", "inet_dist_use_interface",
                                   "{127,0,0,1}"]}),
    info("dist-peer-pid", list_to_integer(erpc:call(Node, os, getpid, []))),
    [{module, M} = erpc:call(Node, code, load_binary, [M, F, B])
     || {M, F, B} <- persistent_term:get(otp_bench_modules)],
    row("dist-call", per_op(fun() -> remote_calls(Node) end)),
    row("dist-cast", per_op(fun() -> remote_casts(Node) end)),
    ok = peer:stop(Peer).

remote_calls(Node) ->
    {ok, S} = erpc:call(Node, gen_server, start, [bench_adder, 0, []]),
    calls(S, 0, ?REMOTE_CALLS, infinity),
    ok = gen_server:stop(S, normal, infinity),
    ?REMOTE_CALLS.

remote_casts(Node) ->
    {ok, S} = erpc:call(Node, gen_server, start, [bench_adder, 0, []]),
    casts(S, 0, ?REMOTE_CASTS),
    _ = gen_server:call(S, 0, infinity),
    ok = gen_server:stop(S, normal, infinity),
    ?REMOTE_CASTS.

%% This VM becomes a node as in dist/0 and calls and casts to `{otp_bench_adder, Target}`, a
%% server of another node that the Rust bench started (an otp-core GenServer), by name: the
%% same workloads as dist/0, timed here. The connection is made (by a ping) before the warm-up.
dist_to(Target) ->
    ok = application:set_env(kernel, inet_dist_use_interface, {127, 0, 0, 1}),
    Id = os:getpid(),
    {ok, _} = net_kernel:start([list_to_atom("otp_bench_c_" ++ Id ++ "@127.0.0.1"), longnames]),
    pong = net_adm:ping(Target),
    S = {otp_bench_adder, Target},
    row("dist-to-call", per_op(fun() -> calls(S, 0, ?REMOTE_CALLS, infinity), ?REMOTE_CALLS end)),
    row("dist-to-cast", per_op(fun() ->
                                       casts(S, 0, ?REMOTE_CASTS),
                                       _ = gen_server:call(S, 0, infinity),
                                       ?REMOTE_CASTS
                               end)).
