/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_API_H
#define INCLUDED_SEMSAT_API_H

#include <gnuradio/attributes.h>

#ifdef gnuradio_semsat_EXPORTS
#define SEMSAT_API __GR_ATTR_EXPORT
#else
#define SEMSAT_API __GR_ATTR_IMPORT
#endif

#endif /* INCLUDED_SEMSAT_API_H */
