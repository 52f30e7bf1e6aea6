#include "torch4j/shim.h"

const char* t4j_version(void) { return TORCH4J_VERSION; }
