{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "mailhawk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; the release name alone when it already contains the chart's. */}}
{{- define "mailhawk.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mailhawk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mailhawk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mailhawk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mailhawk.labels" -}}
helm.sh/chart: {{ include "mailhawk.chart" . }}
{{ include "mailhawk.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mailhawk
{{- end }}

{{/*
The feedback service's names and labels. Its app.kubernetes.io/name differs from the
engine's, so no engine selector (StatefulSet, Services, PodDisruptionBudget, NetworkPolicy)
matches its pods, and its ServiceMonitor's job label is "<name>-feedback".
*/}}
{{- define "mailhawk.feedback.name" -}}
{{- printf "%s-feedback" (include "mailhawk.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mailhawk.feedback.fullname" -}}
{{- printf "%s-feedback" (include "mailhawk.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mailhawk.feedback.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mailhawk.feedback.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mailhawk.feedback.labels" -}}
helm.sh/chart: {{ include "mailhawk.chart" . }}
{{ include "mailhawk.feedback.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mailhawk
{{- end }}

{{- define "mailhawk.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The scores file is mounted when given inline or as an existing ConfigMap. */}}
{{- define "mailhawk.scoresConfigMap" -}}
{{- if .Values.scores.existingConfigMap }}
{{- .Values.scores.existingConfigMap }}
{{- else if .Values.scores.file }}
{{- printf "%s-scores" (include "mailhawk.fullname" .) }}
{{- end }}
{{- end }}

{{/*
An environment value as a string. Helm reads YAML numbers as float64, which would print
2000000 as "2e+06" (not an int to the engine), so whole numbers are printed as integers.
*/}}
{{- define "mailhawk.envValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}
{{- int64 . | toString | quote }}
{{- else }}
{{- toString . | quote }}
{{- end }}
{{- end }}

{{/* Refuse settings that deploy but cannot work. */}}
{{- define "mailhawk.validate" -}}
{{- if gt (int .Values.replicaCount) (int .Values.kafka.partitions) }}
{{- fail (printf "replicaCount (%d) is larger than kafka.partitions (%d): the extra replicas would own no partition and never become ready" (int .Values.replicaCount) (int .Values.kafka.partitions)) }}
{{- end }}
{{- if and .Values.kafka.sasl.mechanism (not .Values.kafka.sasl.existingSecret) }}
{{- fail "kafka.sasl.existingSecret is required when kafka.sasl.mechanism is set" }}
{{- end }}
{{- if and .Values.scores.file .Values.scores.existingConfigMap }}
{{- fail "set scores.file or scores.existingConfigMap, not both" }}
{{- end }}
{{- if and .Values.feedback.enabled (gt (int .Values.feedback.replicaCount) (int .Values.kafka.partitions)) }}
{{- fail (printf "feedback.replicaCount (%d) is larger than kafka.partitions (%d): the extra feedback processes would own no partition" (int .Values.feedback.replicaCount) (int .Values.kafka.partitions)) }}
{{- end }}
{{- if and .Values.feedback.enabled .Values.kafka.sasl.mechanism (not (has (upper .Values.kafka.sasl.mechanism) (list "PLAIN" "SCRAM-SHA-256" "SCRAM-SHA-512"))) }}
{{- fail (printf "kafka.sasl.mechanism %s: the feedback service (Faust) speaks SASL PLAIN and SCRAM-SHA-256/512 only and would stop at start; disable feedback.enabled or use one of those" .Values.kafka.sasl.mechanism) }}
{{- end }}
{{- end }}

{{/*
The Kafka security settings (SASL/TLS) of both workloads, the engine's StatefulSet and the
feedback service's: the same MAILHAWK_KAFKA_* variables from the same values and the same
Secrets, in one place so the two cannot drift. The engine hands them to librdkafka; the
feedback service to its librdkafka admin and export clients and, translated, to Faust
(faust_credentials in stream/feedback.py). Each renders nothing when its values are unset.
*/}}
{{- define "mailhawk.kafkaSecurityEnv" -}}
{{- if .Values.kafka.securityProtocol }}
- name: MAILHAWK_KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
{{- end }}
{{- if .Values.kafka.sasl.mechanism }}
- name: MAILHAWK_KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
- name: MAILHAWK_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
- name: MAILHAWK_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- if .Values.kafka.tls.caSecret }}
- name: MAILHAWK_KAFKA_SSL_CA_LOCATION
  value: /etc/mailhawk/kafka-ca/{{ .Values.kafka.tls.caKey }}
{{- end }}
{{- end }}

{{/* The CA bundle MAILHAWK_KAFKA_SSL_CA_LOCATION points at: the container's mount ... */}}
{{- define "mailhawk.kafkaSecurityVolumeMounts" -}}
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/mailhawk/kafka-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* ... and the pod's volume. */}}
{{- define "mailhawk.kafkaSecurityVolumes" -}}
{{- if .Values.kafka.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret }}
    items:
      - key: {{ .Values.kafka.tls.caKey }}
        path: {{ .Values.kafka.tls.caKey }}
{{- end }}
{{- end }}
