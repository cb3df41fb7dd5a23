"""The Kafka engine (confluent-kafka), the CLI, metrics, the demo and the offline scanner."""

from stream.config import EngineConfig
from stream.errors import BrokerError, KafkaError, StreamError

__all__ = ["BrokerError", "EngineConfig", "KafkaError", "StreamError"]
