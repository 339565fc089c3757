#!/usr/bin/env bash
# Alternating pairs of `qos-perf sched` and DPDK's rte_sched peer (../shared/peers/run.sh) on the same workload,
# so that both see the same machine: prints one line per pair and the median and range of each.
# usage: perf/sched-vs-dpdk.sh [PAIRS=5] [SECONDS=5] [PIPES...=4096 64]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}
seconds=${2:-5}
pipes_list=(4096 64)
if [ $# -gt 2 ]; then pipes_list=("${@:3}"); fi
dotnet build perf/Qos.Perf -c Release -v quiet -nologo >/dev/null
qos=perf/Qos.Perf/bin/Release/net10.0/Qos.Perf.dll
stats() { sort -g | awk '{v[NR]=$1} END {printf "median %.2f (%.2f-%.2f)", v[int((NR+1)/2)], v[1], v[NR]}'; }
for pipes in "${pipes_list[@]}"; do
  ours=(); peer=()
  for ((i = 1; i <= pairs; i++)); do
    o=$(dotnet "$qos" sched --pipes "$pipes" --inflight 32768 --seconds "$seconds" --json | grep -o '"mpps":[0-9.]*' | cut -d: -f2)
    d=$(bash ../shared/peers/run.sh sched "$pipes" 32768 "$seconds" max 2>/dev/null | grep -o '"mpps":[0-9.]*' | cut -d: -f2)
    echo "pipes $pipes pair $i: qos $o Mpps, dpdk $d Mpps"
    ours+=("$o"); peer+=("$d")
  done
  echo "pipes $pipes: qos $(printf '%s\n' "${ours[@]}" | stats), dpdk $(printf '%s\n' "${peer[@]}" | stats)"
done
