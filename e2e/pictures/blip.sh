#!/usr/bin/env bash
# Records a downstream blip on the sample app and draws docs/blip.png from it.
#
# The sample app (8 threads) gets a steady 10 requests/s on /api/quote. After 5 s the
# downstream turns slow (1.5 s per call, so the pool can serve about 5 requests/s) for 10 s,
# then recovers. Every 250 ms we record the pool as /actuator/health/busyPool on the
# management port sees it, and, separately, how long the check on the main port takes.
# Needs curl and gnuplot (Debian: gnuplot-nox). Everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=target/blip
mkdir -p "$out"
jar=sample-app/target/sample-app.jar
[ -f "$jar" ] || ./mvnw -q -B -pl sample-app -am package -DskipTests

app_port=18080 mgmt_port=18081 down_port=19090
java -jar "$jar" --server.port=$app_port --management.server.port=$mgmt_port \
  --sample.downstream.embedded.port=$down_port --management.graphite.metrics.export.enabled=false \
  > "$out/app.log" 2>&1 &
app=$!
pids=()
trap 'kill ${pids[@]+"${pids[@]}"} $app 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -s -o /dev/null "http://127.0.0.1:$app_port/busy-pool/check" && break
  sleep 0.5
done

start=$(date +%s.%N)
now() { echo "$(date +%s.%N) - $start" | bc; }

# The pool, every 250 ms for 40 s: time, state (0 free, 1 busy), active threads, queued.
(
  echo "t state active queued"
  for _ in $(seq 160); do
    h=$(curl -s -m 2 "http://127.0.0.1:$mgmt_port/actuator/health/busyPool" || true)
    state=0; [[ $h == *'"state":"busy"'* ]] && state=1
    active=$(sed -n 's/.*"activeThreads":\([0-9]*\).*/\1/p' <<<"$h")
    queued=$(sed -n 's/.*"queued":\([0-9]*\).*/\1/p' <<<"$h")
    echo "$(now) $state ${active:-0} ${queued:-0}"
    sleep 0.25
  done
) > "$out/pool.dat" &
pids+=($!)

# The check on the main port, one at a time: time sent, seconds to answer, answer.
(
  echo "t seconds answer"
  end=$(( $(date +%s) + 40 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    sent=$(now)
    r=$(curl -s -m 30 -w ' %{time_total}' "http://127.0.0.1:$app_port/busy-pool/check" || true)
    echo "$sent ${r##* } ${r%% *}"
    sleep 0.25
  done
) > "$out/check.dat" &
pids+=($!)

# The load: 10 requests/s for 30 s, each bounded by a 20 s client timeout.
(
  for i in $(seq 300); do
    curl -s -o /dev/null -m 20 "http://127.0.0.1:$app_port/api/quote" &
    sleep 0.1
  done
  wait
) &
pids+=($!)

sleep 5
curl -s "http://127.0.0.1:$down_port/latency?ms=1500"
sleep 10
curl -s "http://127.0.0.1:$down_port/latency?ms=20"
wait "${pids[0]}" "${pids[1]}"

gnuplot <<GNUPLOT
set terminal pngcairo size 1000,620 font "sans,11" noenhanced
set lmargin 10
set output "docs/blip.png"
set multiplot layout 2,1 title "busy-pool sample app: 10 req/s, downstream slowed to 1.5 s from t=5 s to t=15 s (8 threads)"
set key top right
set grid
set xrange [0:40]
set object 1 rect from 5, graph 0 to 15, graph 1 fc rgb "#f4e3c1" fs solid 0.5 noborder behind
set ylabel "requests"
stats "$out/pool.dat" using 4 nooutput
set yrange [0:STATS_max * 1.2 + 10]
plot "$out/pool.dat" using 1:(\$2*1000) with filledcurves y1=0 fs transparent solid 0.12 noborder lc rgb "#d62728" title "busy (health: OUT_OF_SERVICE)", \
     "$out/pool.dat" using 1:3 with lines lw 2 lc rgb "#1f77b4" title "active threads", \
     "$out/pool.dat" using 1:4 with lines lw 2 lc rgb "#d62728" title "queued in Tomcat"
set object 1 rect from 5, graph 0 to 15, graph 1 fc rgb "#f4e3c1" fs solid 0.5 noborder behind
set ylabel "seconds"
set yrange [0:*]
set xlabel "time the check was sent (s)"
plot "$out/check.dat" using 1:2:(strcol(3) eq "free" ? 0x2ca02c : 0xd62728) with points pt 7 ps 0.9 lc rgb variable notitle, \
     NaN with points pt 7 lc rgb "#2ca02c" title "check on the main port answered free", \
     NaN with points pt 7 lc rgb "#d62728" title "... answered busy"
unset multiplot
GNUPLOT
echo "wrote docs/blip.png"
