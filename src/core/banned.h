/*
 * Functions ics code must not call (after git's banned.h): each has a bounded
 * or checked replacement. Included into every file of the build by the
 * Makefile (-include), so nothing can forget it. The system headers that
 * declare these come first: their include guards then keep any later
 * #include from meeting the macros.
 *   strcpy, strcat, strncpy: memcpy or snprintf with the length known
 *   sprintf, vsprintf: snprintf, vsnprintf
 *   atoi, atol, atoll: ics_parse_int64 (errors are not zero)
 *   gets: fgets;  strtok: strtok_r or a length-aware scan
 */
#ifndef ICS_BANNED_H
#define ICS_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICS_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(...) ICS_BANNED(strcpy)
#undef strcat
#define strcat(...) ICS_BANNED(strcat)
#undef strncpy
#define strncpy(...) ICS_BANNED(strncpy)
#undef sprintf
#define sprintf(...) ICS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) ICS_BANNED(vsprintf)
#undef atoi
#define atoi(...) ICS_BANNED(atoi)
#undef atol
#define atol(...) ICS_BANNED(atol)
#undef atoll
#define atoll(...) ICS_BANNED(atoll)
#undef gets
#define gets(...) ICS_BANNED(gets)
#undef strtok
#define strtok(...) ICS_BANNED(strtok)

#endif
