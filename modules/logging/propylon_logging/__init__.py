"""telemetry/logging, telemetry/gelf and telemetry/logstash: where and how the gateway logs."""
