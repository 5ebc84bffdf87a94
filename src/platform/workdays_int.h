/*
 * workdays_int.h - the generated schedule behind workdays.c
 * (build/gen/workdays_data.c, written by scripts/gen-workdays.mjs from the
 * npm package chinese-days). Dates are YYYYMMDD integers in ascending order.
 */
#ifndef QILIAN_PLATFORM_WORKDAYS_INT_H
#define QILIAN_PLATFORM_WORKDAYS_INT_H
#include <stddef.h>
#include <stdint.h>

extern const char workdays_data_package[];
extern const char workdays_data_version[];
extern const int workdays_data_first_year;
extern const int workdays_data_last_year;
extern const int32_t workdays_data_holidays[];
extern const size_t workdays_data_holidays_len;
extern const int32_t workdays_data_workdays[];
extern const size_t workdays_data_workdays_len;

#endif
