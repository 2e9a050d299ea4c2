#include "CDatasetCodecs.h"
int cdatasetcodecs_version(void) { return 1; }
