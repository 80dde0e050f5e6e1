"""What a Direct Connect Partner does: interconnects, hosted connections on them, and the
customer agreements (hosted_connection.md)."""
