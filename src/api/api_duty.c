#include "domain/duty.h"
