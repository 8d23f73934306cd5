#!/usr/bin/env bash
# scripts/opensearch.sh {install|start|stop|status|smoke}
#
# A real single-node OpenSearch on loopback (http 127.0.0.1:29201, transport 29301), from the
# integ-test-zip distribution published on Maven Central
# (org.opensearch.distribution.integ-test-zip:opensearch). That zip has no bundled JDK, no
# security plugin and only the transport-netty4 module. The logic is shared with
# scripts/elasticsearch.sh; see the header there for commands and env overrides
# (OPENSEARCH_VERSION, OPENSEARCH_PORT, OPENSEARCH_TRANSPORT_PORT, OPENSEARCH_HEAP,
# OPENSEARCH_JAVA_HOME, OPENSEARCH_START_TIMEOUT).
set -euo pipefail
IRA_SEARCH_FLAVOR=opensearch exec "$(dirname "${BASH_SOURCE[0]}")/elasticsearch.sh" "$@"
