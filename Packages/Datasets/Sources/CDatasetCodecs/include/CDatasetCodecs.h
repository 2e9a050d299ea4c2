#ifndef CDATASETCODECS_H
#define CDATASETCODECS_H
// Placeholder until the codec shims land (issue 4).
int cdatasetcodecs_version(void);
#endif
