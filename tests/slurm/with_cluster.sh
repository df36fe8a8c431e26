#!/usr/bin/env bash
# Runs COMMAND inside a throwaway single-node Slurm cluster on localhost, then stops it.
# usage: with_cluster.sh LOGDIR COMMAND [ARGS...]
#
# Debian's slurm-wlm and munge, run as root: a private munged (its own key and socket), a
# slurmctld and a slurmd, all with their config, state, spool, pid files and logs in a fresh
# /tmp/madsweep-slurm.XXXXXX (short, for socket paths). COMMAND runs with SLURM_CONF pointing at
# that config, so sbatch, srun, squeue and scontrol talk to this cluster and no other. On exit,
# whatever happens, the cluster's jobs are cancelled and only the daemons started here are
# stopped, by the pids they wrote; their logs are copied to LOGDIR. A slurmctld or munged that
# was already running is left alone (different ports, socket and state).
#
# Containers: ProctrackType=proctrack/linuxproc and TaskPlugin=task/none track processes through
# /proc and bind nothing, so no cgroup is needed. The node is declared with
# MADSWEEP_TEST_CPUS CPUs (default 8, however many the machine has: SlurmdParameters=
# config_overrides), so a 2-core CI machine can run a controller and 2 workers.
# The exit status is COMMAND's, 3 when the cluster could not be started, 77 (skip) when not root.
# Only SIGKILL (which no trap sees) leaves a cluster behind: its daemons' pids are in
# /tmp/madsweep-slurm.*/{slurmctld.pid,slurmd.pid,munge/munged.pid}.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: with_cluster.sh LOGDIR COMMAND [ARGS...]" >&2; exit 2; }
logdir=$1
shift
[ "$(id -u)" -eq 0 ] || { echo "with_cluster.sh: skipped: the test cluster runs as root (SlurmUser=root, jobs as root)"; exit 77; }
for tool in munged mungekey munge unmunge slurmctld slurmd sbatch srun scontrol squeue scancel sinfo; do
  command -v "$tool" >/dev/null || { echo "with_cluster.sh: '$tool' not found: install slurm-wlm and munge (scripts/install-deps)" >&2; exit 3; }
done
mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)

top=$(mktemp -d /tmp/madsweep-slurm.XXXXXX)
chmod 755 "$top" # munged wants its socket's folder searchable by every client
mkdir -p "$top/munge" "$top/state" "$top/spool" "$top/log" "$top/tmp"
chmod 755 "$top/munge"
started=() # "name pidfile", in start order

say() { echo "with_cluster.sh: $*"; }

show_logs() {
  for f in "$top"/log/*.log; do
    [ -s "$f" ] || continue
    echo "----- $(basename "$f") (last 40 lines) -----"
    tail -n 40 "$f"
  done
}

# running NAME PID: that process runs that program and is no zombie
running() {
  local stat
  stat=$(cat "/proc/$2/stat" 2>/dev/null) || return 1
  [[ $stat == "$2 ($1) "[^Z]* ]]
}
# alive NAME PIDFILE: a daemon of ours runs (the pid it wrote is that program's)
alive() {
  local pid
  pid=$(cat "$2" 2>/dev/null) || return 1
  running "$1" "$pid"
}

stop_cluster() {
  local status=$?
  trap - EXIT INT TERM
  if alive slurmctld "$top/slurmctld.pid"; then
    # no job of ours outlives the test: cancel them and give their steps a moment to end
    scancel --full --quiet --user=root 2>/dev/null || true
    local end=$((SECONDS + 20))
    while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ $SECONDS -lt $end ]; do sleep 0.5; done
  fi
  local i entry name pidfile pid
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    entry=${started[i]}
    name=${entry%% *}
    pidfile=${entry#* }
    alive "$name" "$pidfile" || continue
    pid=$(cat "$pidfile") # once: a daemon may delete its pid file as it shuts down
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do running "$name" "$pid" || break; sleep 0.1; done
    if running "$name" "$pid"; then
      say "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  cp "$top"/log/*.log "$logdir"/ 2>/dev/null || true
  rm -rf "$top"
  exit "$status"
}
command_pid=""
# a signal (ctest's timeout, ^C) ends the command and then the cluster
on_signal() {
  if [ -n "$command_pid" ]; then kill -TERM "$command_pid" 2>/dev/null || true; fi
  exit "$1"
}
trap stop_cluster EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

fail_start() {
  say "$*"
  show_logs
  exit 3
}

# Two TCP ports nobody listens on (read from /proc, no iproute2 needed), below Linux's ephemeral
# range (32768-60999, where srun's own ports come from) and away from Slurm's 6817-6819.
used_ports=$(for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] && tail -n +2 "$f"; done |
  while read -r _ local _; do echo $((16#${local##*:})); done | sort -u)
ctld_port="" slurmd_port=""
for _ in $(seq 200); do
  p=$((20000 + RANDOM % 12000))
  grep -qx "$p" <<<"$used_ports" && continue
  if [ -z "$ctld_port" ]; then ctld_port=$p; elif [ "$p" != "$ctld_port" ]; then slurmd_port=$p && break; fi
done
[ -n "$slurmd_port" ] || fail_start "no free TCP port found"

# --- munge: a key made for this cluster, a socket of its own -------------------------------
mungekey --create --keyfile="$top/munge/munge.key" >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$top/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$top/munge/munge.key"
socket=$top/munge/munge.socket
started+=("munged $top/munge/munged.pid")
munged --force --socket="$socket" --key-file="$top/munge/munge.key" --log-file="$top/log/munged.log" \
  --pid-file="$top/munge/munged.pid" --seed-file="$top/munge/munged.seed" ||
  fail_start "munged did not start"
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
munge --socket="$socket" --no-input | unmunge --socket="$socket" >/dev/null 2>&1 ||
  fail_start "munged runs but a credential does not round-trip through $socket"

# --- slurm.conf ----------------------------------------------------------------------------
host=$(hostname -s)
first_job_id=$((1000 + (RANDOM * 32768 + RANDOM) % 60000000))
cpus=${MADSWEEP_TEST_CPUS:-8}
[ "$(nproc)" -gt "$cpus" ] && cpus=$(nproc)
# nothing from an enclosing Slurm job (CI inside an allocation) leaks into this cluster's jobs
for v in $(compgen -e); do
  case $v in SLURM_* | SBATCH_* | SALLOC_* | SRUN_*) unset "$v" ;; esac
done
export SLURM_CONF=$top/slurm.conf
: >"$top/plugstack.conf" # nothing from /etc/slurm/plugstack.conf.d
cat >"$SLURM_CONF" <<EOF
# written by tests/slurm/with_cluster.sh for one test run
ClusterName=madsweeptest
# Job ids unlike those of any other test cluster on this host: Open MPI names its shared-memory
# segments (/dev/shm/vader_segment.*) after the PMIx namespace slurm.pmix.JOBID.STEP, so two
# clusters both running job 1 at once corrupt each other's messages.
FirstJobId=$first_job_id
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays a requeued job's restart (default 120 s)
AuthInfo=socket=$socket,cred_expire=10
StateSaveLocation=$top/state
SlurmdSpoolDir=$top/spool
TmpFS=$top/tmp
SlurmctldPidFile=$top/slurmctld.pid
SlurmdPidFile=$top/slurmd.pid
SlurmctldLogFile=$top/log/slurmctld.log
SlurmdLogFile=$top/log/slurmd.log
MailProg=/bin/true
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$top/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=3600
KillWait=30
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# --- the daemons -----------------------------------------------------------------------------
# each daemon forks, and its child writes the pid file: wait for that child
started+=("slurmctld $top/slurmctld.pid")
slurmctld -i >"$top/log/slurmctld.stderr.log" 2>&1 || fail_start "slurmctld did not start"
for _ in $(seq 100); do alive slurmctld "$top/slurmctld.pid" && break; sleep 0.1; done
alive slurmctld "$top/slurmctld.pid" || fail_start "slurmctld exited at start"
started+=("slurmd $top/slurmd.pid")
slurmd -N "$host" >"$top/log/slurmd.stderr.log" 2>&1 || fail_start "slurmd did not start"
for _ in $(seq 100); do alive slurmd "$top/slurmd.pid" && break; sleep 0.1; done
alive slurmd "$top/slurmd.pid" || fail_start "slurmd exited at start"

state=""
for _ in $(seq 300); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  case $state in idle | mixed | allocated) break ;; esac
  sleep 0.1
done
case $state in
  idle | mixed | allocated) ;;
  *) fail_start "node $host did not become idle (state '${state:-none}'); scontrol says: $(scontrol show node "$host" 2>&1 | grep -E 'State|Reason' | tr -s ' ')" ;;
esac
say "cluster up: slurmctld :$ctld_port, slurmd :$slurmd_port, node $host with $cpus CPUs, SLURM_CONF=$SLURM_CONF"

# --- the command -----------------------------------------------------------------------------
# in the background, so that this shell takes signals while it waits
"$@" &
command_pid=$!
wait "$command_pid" && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  show_logs
fi
exit "$status"
