#!/bin/sh
# cluster.sh start|stop|status DIR: a single-node Slurm cluster on this machine, for
# `make check-slurm` (issue 24). slurmctld and slurmd run on localhost with their own
# munge daemon; everything they keep (configuration, key, sockets, spool, state, logs,
# the job completion log that `sacct --completion` reads) is under DIR, and the ports
# are the loopback's 16817/16818, so no system file or service is touched. Needs
# Debian's slurm-wlm and munge; run as root (slurmd starts jobs as their user).
#
#   sh workflow/slurm/cluster.sh start DIR    # writes DIR/slurm.conf, starts the daemons,
#                                             # waits until the node is idle
#   SLURM_CONF=DIR/slurm.conf sbatch ...      # clients find the cluster through SLURM_CONF
#   sh workflow/slurm/cluster.sh stop DIR     # stops the daemons (by their pid files)
set -eu
cmd=${1:?usage: cluster.sh start|stop|status DIR}
dir=${2:?usage: cluster.sh start|stop|status DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/slurm.conf
export SLURM_CONF="$conf"

stop_pid() {   # stop_pid PIDFILE: TERM the daemon it names, wait up to 10 s
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

case $cmd in
start)
  for p in slurmctld slurmd munged mungekey sbatch; do
    command -v $p >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v $p >/dev/null 2>&1 || { echo "cluster.sh: $p is missing (Debian: apt-get install slurm-wlm munge)"; exit 1; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "cluster.sh: run as root (slurmd starts jobs as their user)"; exit 1; }
  mkdir -p "$dir/munge" "$dir/spool" "$dir/state" "$dir/log"
  chmod 700 "$dir/munge"
  [ -s "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" --bits=1024
  chmod 600 "$dir/munge/munge.key"
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  node=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  cat > "$conf" <<EOF
# Single-node cluster for make check-slurm (workflow/slurm/cluster.sh); not for production.
ClusterName=tffam
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=600
KillWait=5
Waittime=0
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=tffam Nodes=$node Default=YES MaxTime=60 State=UP
EOF
  slurmctld -f "$conf"
  slurmd -f "$conf"
  i=0
  until sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
      echo "cluster.sh: the node did not become idle in 30 s"; sinfo 2>&1 || true
      tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "cluster.sh: Slurm $(sinfo -V | cut -d' ' -f2) up: node $node ($cpus CPUs, $mem MB), partition tffam; SLURM_CONF=$conf"
  ;;
stop)
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munge/munged.pid"
  echo "cluster.sh: stopped"
  ;;
status)
  sinfo && squeue
  ;;
*)
  echo "usage: cluster.sh start|stop|status DIR"; exit 2
  ;;
esac
