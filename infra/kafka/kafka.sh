#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker + controller in one JVM) for local use and tests.
# The jars come from Maven Central through Maven (pom.xml beside this file); jars, data and
# logs stay under infra/kafka/.kafka, which git ignores.
#
#   kafka.sh fetch    download the jars (once)
#   kafka.sh start    start the broker unless one already answers, wait until it does
#   kafka.sh stop     stop the broker this script started
#   kafka.sh kill     SIGKILL it (fault-injection tests)
#   kafka.sh status   exit 0 when a broker answers on KAFKA_PORT
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# KAFKA_HOME_DIR moves data, logs and pid (a second broker for tests); jars stay shared.
home=${KAFKA_HOME_DIR:-$here/.kafka}
libs=$here/.kafka/libs
data=$home/data
logs=$home/logs
pidfile=$home/kafka.pid
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
start_timeout=${KAFKA_START_TIMEOUT_SECONDS:-120}

log() { echo "[kafka] $*" >&2; }
log_config=(-Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$logs")
kafka_java() { java "${log_config[@]}" -cp "$libs/*" "$@"; }

# The jars match pom.xml: a copy of the pom they were fetched for is kept beside them.
fetched() { [ -f "$libs/.complete" ] && cmp -s "$here/pom.xml" "$libs/.complete"; }

fetch() {
  if fetched; then return 0; fi
  command -v mvn >/dev/null || { log "Maven (mvn) is needed to fetch Kafka"; exit 1; }
  log "fetching Kafka jars with Maven into $libs"
  rm -rf "$libs"
  mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  cp "$here/pom.xml" "$libs/.complete"
}

# Asks the broker for its cluster description (AdminClient.describeCluster).
answers() {
  fetched || return 1
  java -cp "$libs/*" "$here/Ping.java" "127.0.0.1:$port" >/dev/null 2>&1
}

write_config() {
  mkdir -p "$home/config" "$data" "$logs"
  cat >"$home/config/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
auto.create.topics.enable=false
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
CONF
}

start() {
  # Test runners may call start in parallel: one starts the broker, the others wait for it.
  mkdir -p "$home"
  exec 9>"$home/start.lock"
  flock 9
  if answers; then log "a broker already answers on 127.0.0.1:$port; reusing it"; return 0; fi
  fetch
  if answers; then log "a broker already answers on 127.0.0.1:$port; reusing it"; return 0; fi
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    log "formatting KRaft storage in $data"
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$home/config/server.properties" >/dev/null
  fi
  log "starting broker on 127.0.0.1:$port (controller $controller_port), logs in $logs"
  # setsid: the broker outlives the test runner or terminal that started it. 9>&-: it must
  # not inherit the start lock, or a second start would wait on it for as long as the broker runs.
  # TieredStopAtLevel=1: the quick JIT only. On 2 cores the optimising JIT took minutes of CPU
  # from everything else after each start (the bench's first run after a start paid twice the
  # broker CPU per order of a warm one, and its latencies doubled); docs/benchmarks.md has the figures.
  setsid nohup java -Xms256m -Xmx768m -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    "${log_config[@]}" \
    -cp "$libs/*" kafka.Kafka "$home/config/server.properties" \
    >"$logs/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$pidfile"
  local deadline=$((SECONDS + start_timeout))
  until answers; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "the broker exited during start-up; last lines of $logs/stdout.log:"
      tail -n 20 "$logs/stdout.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then log "no answer after ${start_timeout}s"; exit 1; fi
    sleep 1
  done
  log "broker is up on 127.0.0.1:$port (Kafka $(version))"
}

# The broker's version, from the name of the jar it runs.
version() { basename "$(ls "$libs"/kafka_2.13-*.jar | head -n 1)" .jar | sed 's/^kafka_2\.13-//'; }

stop() {
  if [ ! -f "$pidfile" ]; then log "no broker started by this script"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping broker (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "still running after 30s; killing"; kill -9 "$pid"; fi
  fi
  rm -f "$pidfile"
}

# SIGKILL, as a crash would: for fault-injection tests. Data stays for the next start.
crash() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "killing broker (pid $(cat "$pidfile")) with SIGKILL"
    kill -9 "$(cat "$pidfile")"
    for _ in $(seq 1 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  kill) crash ;;
  status) if answers; then log "up on 127.0.0.1:$port (Kafka $(version))"; else log "down"; exit 1; fi ;;
  *) echo "usage: $0 fetch|start|stop|kill|status" >&2; exit 2 ;;
esac
