#!/usr/bin/env bash
# Records two downstream blips on the sample app in a real carbon-cache, then draws
# docs/graphite-blip.png from the whisper files, and docs/dashboard.png: the Grafana
# dashboard's own panels and targets, rendered from the same files by graphite-web.
#
#   t = 0..30 s   10 requests/s straight to Tomcat; the downstream is slow (1.5 s) from 5 to 15 s.
#   t = 30..60 s  the same load through HAProxy with the check-port recipe (haproxy/check-port.cfg,
#                 maxconn 8 = threads); the downstream is slow from about 35 to 45 s.
# The shaded blips in the picture are the times the script actually changed the latency.
#
# The sample app exports every second (management.graphite.metrics.export.step=1s), and the
# script feeds HAProxy's backend queue from its stats socket to the same carbon. Needs
# Debian's graphite-carbon (carbon-cache, whisper-fetch, python3), graphite-web, haproxy, curl,
# bc and gnuplot-nox.
# Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$PWD/target/graphite-blip
rm -rf "$out"
mkdir -p "$out/carbon/storage/whisper" "$out/carbon/log"
jar=sample-app/target/sample-app.jar
[ -f "$jar" ] || ./mvnw -q -B -pl sample-app -am package -DskipTests

line_port=12003 app_port=18080 mgmt_port=18081 check_port=18082 agent_port=18083 down_port=19090 front=18000

cat > "$out/carbon/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $out/carbon/storage/
LOCAL_DATA_DIR = $out/carbon/storage/whisper/
CONF_DIR = $out/carbon/
LOG_DIR = $out/carbon/log/
PID_DIR = $out/carbon/
USER =
ENABLE_TAGS = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
WHISPER_AUTOFLUSH = True
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $line_port
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = 12004
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 17002
CONF
printf '[default]\npattern = .*\nretentions = 1s:1h\n' > "$out/carbon/storage-schemas.conf"

pids=()
trap 'kill ${pids[@]+"${pids[@]}"} 2>/dev/null || true' EXIT
carbon-cache --config="$out/carbon/carbon.conf" --nodaemon start > "$out/carbon.log" 2>&1 &
pids+=($!)
java -jar "$jar" --server.port=$app_port --management.server.port=$mgmt_port \
  --busy-pool.check.port=$check_port --busy-pool.agent.port=$agent_port \
  --sample.downstream.embedded.port=$down_port --management.metrics.tags.instance=blip \
  --management.graphite.metrics.export.host=127.0.0.1 --management.graphite.metrics.export.port=$line_port \
  --management.graphite.metrics.export.step=1s > "$out/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  curl -s -o /dev/null "http://127.0.0.1:$check_port/busy-pool/check" && break
  sleep 0.5
done

sed -e "s/127.0.0.1:8000/127.0.0.1:$front/" -e "s/127.0.0.1:8080/127.0.0.1:$app_port/" \
  -e "s/check port 8082/check port $check_port/" haproxy/check-port.cfg > "$out/haproxy.cfg"
haproxy -c -q -f "$out/haproxy.cfg"

# 10 requests/s for 30 s to a URL, each bounded by a 20 s client timeout.
load() {
  local curls=()
  for _ in $(seq 300); do
    curl -s -o /dev/null -m 20 "$1" &
    curls+=($!)
    sleep 0.1
  done
  wait "${curls[@]}"
}
blip() {  # records when the downstream turned slow and fast again, in seconds since start
  sleep 5
  curl -s -o /dev/null "http://127.0.0.1:$down_port/latency?ms=1500"
  echo "$(date +%s.%N) - $start" | bc >> "$out/blips.dat"
  sleep 10
  curl -s -o /dev/null "http://127.0.0.1:$down_port/latency?ms=20"
  echo "$(date +%s.%N) - $start" | bc >> "$out/blips.dat"
}
# HAProxy's backend queue (requests waiting for any server) into carbon, once a second:
# what an HAProxy exporter would do. send-state only carries the per-server queue.
haproxy_to_carbon() {
  python3 - "$out/admin.sock" "$line_port" <<'PY'
import socket, sys, time
sock_path, port = sys.argv[1], int(sys.argv[2])
end = time.time() + 40
while time.time() < end:
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sock_path); s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536): data += chunk
        lines = data.decode().splitlines(); header = lines[0][2:].split(",")
        for row in (dict(zip(header, l.split(","))) for l in lines[1:] if l):
            if row["pxname"] == "app" and row["svname"] == "BACKEND":
                c = socket.create_connection(("127.0.0.1", port))
                c.sendall(f"haproxy.app.backend.qcur {row['qcur']} {int(time.time())}\n".encode()); c.close()
    except OSError:
        pass
    time.sleep(1)
PY
}

sleep 3
start=$(date +%s)
blip &
pids+=($!)
load "http://127.0.0.1:$app_port/api/quote" &
pids+=($!)
sleep 30
sed -i "s|^global|global\n    stats socket $out/admin.sock mode 600 level admin|" "$out/haproxy.cfg"
haproxy -f "$out/haproxy.cfg" -db > "$out/haproxy.log" 2>&1 &
pids+=($!)
sleep 1
haproxy_to_carbon &
pids+=($!)
blip &
pids+=($!)
load "http://127.0.0.1:$front/api/quote"
sleep 3

root=$out/carbon/storage/whisper/busy-pool-sample/blip
series() {  # name file: time since start, value (gaps left out)
  whisper-fetch --from="$start" --until="$(( start + 62 ))" "$1" \
    | awk -v s="$start" '$2 != "None" { print $1 - s, $2 }' > "$2"
}
series "$root/busypoolState.wsp" "$out/state.dat"
series "$root/busypoolThreadsActive.wsp" "$out/active.dat"
series "$root/busypoolQueueSize.wsp" "$out/queue.dat"
series "$out/carbon/storage/whisper/haproxy/app/backend/qcur.wsp" "$out/haproxy-queue.dat"

read -r b1 e1 b2 e2 <<< "$(tr '\n' ' ' < "$out/blips.dat")"
gnuplot <<GNUPLOT
set terminal pngcairo size 1000,500 font "sans,11" noenhanced
set output "docs/graphite-blip.png"
set title "From Graphite (whisper, 1 s points): 10 req/s, downstream slowed to 1.5 s during the shaded blips (8 threads)"
set key below horizontal
set grid
set xrange [0:62]
set yrange [0:*]
set offsets 0, 0, graph 0.2, 0
set xlabel "seconds"
set ylabel "requests"
set object 1 rect from $b1, graph 0 to $e1, graph 1 fc rgb "#f4e3c1" fs solid 0.5 noborder behind
set object 2 rect from $b2, graph 0 to $e2, graph 1 fc rgb "#f4e3c1" fs solid 0.5 noborder behind
set arrow 1 from 30, graph 0 to 30, graph 1 nohead dt 2 lc rgb "#555555"
set label 1 "straight to Tomcat" at 1, graph 0.93
set label 2 "through HAProxy, maxconn 8" at 31, graph 0.93
plot "$out/state.dat" using 1:(\$2*8) with filledcurves y1=0 fs transparent solid 0.15 noborder lc rgb "#d62728" title "busypoolState = 1 (busy)", \
     "$out/active.dat" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "busypoolThreadsActive", \
     "$out/queue.dat" using 1:2 with lines lw 2 lc rgb "#d62728" title "busypoolQueueSize (Tomcat)", \
     "$out/haproxy-queue.dat" using 1:2 with lines lw 2 lc rgb "#9467bd" title "haproxy.app.backend.qcur (HAProxy's queue)"
GNUPLOT
echo "wrote docs/graphite-blip.png"

# The dashboard itself: every panel of dashboards/busy-pool-graphite.json, from the same run.
/usr/bin/python3 e2e/pictures/render-dashboard.py "$out/carbon/storage/whisper" busy-pool-sample blip \
  "$start" "$(( start + 62 ))" docs/dashboard.png
