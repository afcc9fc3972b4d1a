package org.jvisor.machine.cpu.fpu;

/**
 * Software double extended-precision values (SDM Vol. 1 4.2.2, 4.8): classification,
 * IEEE rounding under the control word's RC and PC, and conversions to and from the memory
 * formats. A value is passed as a 16-bit sign/exponent {@code se} and a 64-bit significand
 * {@code m} with an explicit integer bit; results go to the scratch fields of {@link FpuState}
 * so nothing is allocated.
 *
 * <p>Internally an operand is "unpacked" to a sign, an unbiased exponent {@code e} and a
 * normalized significand {@code sig} (bit 63 set) meaning {@code sig * 2^(e-63)}. A wider
 * intermediate is {@code hi:lo}, a 128-bit significand meaning {@code hi:lo * 2^(e-127)}.
 */
public final class Float80 {
    public static final int BIAS = 16383, EMAX_FIELD = 0x7FFF, SIGN = 0x8000;
    public static final long INT_BIT = 1L << 63, QUIET_BIT = 1L << 62;
    /** The default QNaN ("real indefinite", SDM Vol. 1 4.8.3.7). */
    public static final int INDEF_SE = 0xFFFF;
    public static final long INDEF_M = 0xC000000000000000L;
    /** Output formats of {@link #roundPack}. */
    static final int EXT = 0, DBL = 1, SGL = 2;

    // Classes (the FXAM encoding order is separate, see FpuCompare).
    public static final int ZERO = 0, DENORMAL = 1, NORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    private Float80() { }

    /** Classifies an 80-bit value (SDM Vol. 1 8.2.2, Table 8-3 for the unsupported encodings). */
    public static int classify(int se, long m) {
        int exp = se & EMAX_FIELD;
        if (exp == 0) return m == 0 ? ZERO : DENORMAL; // pseudo-denormals count as denormals
        if ((m & INT_BIT) == 0) return UNSUPPORTED;    // unnormals, pseudo-NaNs, pseudo-infinities
        if (exp == EMAX_FIELD) {
            if ((m << 1) == 0) return INF;
            return (m & QUIET_BIT) != 0 ? QNAN : SNAN;
        }
        return NORMAL;
    }

    static boolean isNaN(int cls) {
        return cls == QNAN || cls == SNAN;
    }

    /** The tag a value gets in a register (SDM Vol. 1 8.1.7). */
    static int tagFor(int se, long m) {
        return switch (classify(se, m)) {
            case NORMAL -> FpuState.TAG_VALID;
            case ZERO -> FpuState.TAG_ZERO;
            default -> FpuState.TAG_SPECIAL;
        };
    }

    static boolean neg(int se) {
        return (se & SIGN) != 0;
    }

    /** Unbiased exponent of a finite nonzero value after normalization. */
    static int unpackExp(int se, long m) {
        int exp = se & EMAX_FIELD;
        if (exp == 0) return 1 - BIAS - Long.numberOfLeadingZeros(m);
        return exp - BIAS;
    }

    /** Normalized significand of a finite nonzero value. */
    static long unpackSig(long m) {
        return m << Long.numberOfLeadingZeros(m);
    }

    // =======================================================================================
    // Rounding (SDM Vol. 1 4.8.4, 8.1.5.2-8.1.5.3)
    // =======================================================================================

    /**
     * Keeps the top {@code k} bits of {@code hi:lo} and rounds by {@code rc}. Sets
     * {@code f.inexact}, {@code f.up} (magnitude increased) and {@code f.carry} (k == 64 and
     * the increment wrapped to 2^64). For k <= 0 the kept value is 0 or 1 (one unit at the
     * rounding position).
     */
    static long roundBits(FpuState f, boolean neg, long hi, long lo, int k, int rc) {
        long kept;
        boolean round, sticky;
        if (k >= 64) {
            kept = hi;
            round = lo < 0;
            sticky = (lo << 1) != 0;
        } else if (k >= 1) {
            kept = hi >>> (64 - k);
            long rest = hi << k;
            round = rest < 0;
            sticky = (rest << 1) != 0 || lo != 0;
        } else {
            kept = 0;
            round = k == 0 && hi < 0;
            sticky = k == 0 ? (hi << 1) != 0 || lo != 0 : hi != 0 || lo != 0;
        }
        boolean inexact = round || sticky;
        boolean inc = switch (rc) {
            case 0 -> round && (sticky || (kept & 1) != 0);
            case 1 -> neg && inexact;
            case 2 -> !neg && inexact;
            default -> false;
        };
        f.inexact = inexact;
        f.up = inc;
        f.carry = false;
        if (inc && ++kept == 0) f.carry = true;
        return kept;
    }

    static int rc(FpuState f) {
        return (f.control >>> 10) & 3;
    }

    /** Precision in bits selected by PC (SDM Vol. 1 8.1.5.2); the reserved value acts as 64. */
    static int precision(FpuState f) {
        return switch ((f.control >>> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64;
        };
    }

    static int emin(int fmt) {
        return fmt == EXT ? -16382 : fmt == DBL ? -1022 : -126;
    }

    static int emax(int fmt) {
        return fmt == EXT ? 16383 : fmt == DBL ? 1023 : 127;
    }

    /**
     * Rounds {@code (-1)^neg * hi:lo * 2^(e-127)} ({@code hi} normalized) to {@code p} bits in
     * format {@code fmt} and packs it: EXT into {@code f.rSe/f.rM}, DBL/SGL into {@code f.rM}
     * as raw bits. Raises PE, UE (tininess after rounding, SDM 4.9.1.5) and OE into
     * {@code f.exc} with the masked responses; unmasked OE/UE rescale an EXT register result
     * by 2^-+24576 (SDM 8.5.4-8.5.5) and suppress a store to memory ({@code f.noStore}).
     */
    static void roundPack(FpuState f, boolean neg, int e, long hi, long lo, int p, int fmt, boolean toRegister) {
        int rc = rc(f), emin = emin(fmt), emax = emax(fmt);
        f.noStore = false;
        boolean ueMasked = (f.control & FpuState.UE) != 0;
        if (e < emin) {
            boolean tiny = true;
            if (e == emin - 1) {
                long k = roundBits(f, neg, hi, lo, p, rc);
                tiny = !(f.carry || (p < 64 && k == 1L << p));
            }
            if (tiny && ueMasked) {
                packDenormal(f, neg, e, hi, lo, p, fmt, rc);
                if (f.inexact) f.exc |= FpuState.UE | FpuState.PE;
                return;
            }
            if (tiny) {
                f.exc |= FpuState.UE;
                if (!(toRegister && fmt == EXT)) {
                    f.noStore = true;
                    return;
                }
                e += 24576;
            }
        }
        long kept = roundBits(f, neg, hi, lo, p, rc);
        if (f.carry || (p < 64 && kept == 1L << p)) {
            kept = 1L << (p - 1);
            e++;
        }
        if (f.inexact) f.exc |= FpuState.PE;
        if (e > emax) {
            f.exc |= FpuState.OE;
            if ((f.control & FpuState.OE) == 0) {
                if (!(toRegister && fmt == EXT)) {
                    f.noStore = true;
                    return;
                }
                e -= 24576;
            } else {
                overflowResult(f, neg, p, fmt, rc);
                return;
            }
        }
        packNormal(f, neg, e, kept, p, fmt);
    }

    private static void packNormal(FpuState f, boolean neg, int e, long kept, int p, int fmt) {
        long s = neg ? 1 : 0;
        switch (fmt) {
            case EXT -> {
                f.rSe = (neg ? SIGN : 0) | (e + BIAS);
                f.rM = kept << (64 - p);
            }
            case DBL -> f.rM = s << 63 | (long) (e + 1023) << 52 | (kept << (53 - p)) & 0xFFFFFFFFFFFFFL;
            default -> f.rM = s << 31 | (long) (e + 127) << 23 | (kept << (24 - p)) & 0x7FFFFF;
        }
    }

    /** Gradual underflow: the rounding position is fixed at 2^(emin-p+1). */
    private static void packDenormal(FpuState f, boolean neg, int e, long hi, long lo, int p, int fmt, int rc) {
        int emin = emin(fmt);
        long kept = roundBits(f, neg, hi, lo, p - (emin - e), rc);
        long s = neg ? 1 : 0;
        switch (fmt) {
            case EXT -> {
                long m = kept << (64 - p);
                f.rM = m;
                f.rSe = (neg ? SIGN : 0) | (m < 0 ? 1 : 0);
            }
            case DBL -> f.rM = s << 63 | kept << (53 - p);
            default -> f.rM = s << 31 | kept << (24 - p);
        }
    }

    /** Masked overflow (SDM Vol. 1 4.9.1.4, Table 4-10): infinity or the largest finite value by RC. */
    private static void overflowResult(FpuState f, boolean neg, int p, int fmt, int rc) {
        boolean toInf = rc == 0 || (rc == 1 && neg) || (rc == 2 && !neg);
        f.exc |= FpuState.PE;
        f.up = toInf;
        if (toInf) {
            setInfinity(f, neg, fmt);
        } else {
            packNormal(f, neg, emax(fmt), p == 64 ? -1L : (1L << p) - 1, p, fmt);
        }
    }

    static void setInfinity(FpuState f, boolean neg, int fmt) {
        long s = neg ? 1 : 0;
        switch (fmt) {
            case EXT -> {
                f.rSe = (neg ? SIGN : 0) | EMAX_FIELD;
                f.rM = INT_BIT;
            }
            case DBL -> f.rM = s << 63 | 0x7FF0000000000000L;
            default -> f.rM = s << 31 | 0x7F800000L;
        }
    }

    /** Signed zero in f.rSe/f.rM. */
    static void setZero(FpuState f, boolean neg) {
        f.rSe = neg ? SIGN : 0;
        f.rM = 0;
    }

    static void setIndefinite(FpuState f) {
        f.rSe = INDEF_SE;
        f.rM = INDEF_M;
    }

    // =======================================================================================
    // Conversions from memory formats (exact) and integers
    // =======================================================================================

    /** float32 bits to 80 bits; raises DE for a denormal, IE for an SNaN (quieted). */
    static void fromFloat32(FpuState f, int bits) {
        boolean neg = bits < 0;
        int exp = (bits >>> 23) & 0xFF;
        long frac = bits & 0x7FFFFFL;
        if (exp == 0xFF) {
            fromSpecial(f, neg, frac << 40, frac != 0 && (frac & 0x400000) == 0);
        } else if (exp == 0) {
            fromDenormal(f, neg, frac, -149);
        } else {
            f.rSe = (neg ? SIGN : 0) | (exp - 127 + BIAS);
            f.rM = INT_BIT | frac << 40;
        }
    }

    /** float64 bits to 80 bits; raises DE for a denormal, IE for an SNaN (quieted). */
    static void fromFloat64(FpuState f, long bits) {
        boolean neg = bits < 0;
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0x7FF) {
            fromSpecial(f, neg, frac << 11, frac != 0 && (frac & (1L << 51)) == 0);
        } else if (exp == 0) {
            fromDenormal(f, neg, frac, -1074);
        } else {
            f.rSe = (neg ? SIGN : 0) | (exp - 1023 + BIAS);
            f.rM = INT_BIT | frac << 11;
        }
    }

    private static void fromSpecial(FpuState f, boolean neg, long fraction, boolean snan) {
        f.rSe = (neg ? SIGN : 0) | EMAX_FIELD;
        f.rM = INT_BIT | fraction;
        if (snan) {
            f.exc |= FpuState.IE;
            f.rM |= QUIET_BIT;
        }
    }

    private static void fromDenormal(FpuState f, boolean neg, long frac, int lsbExp) {
        if (frac == 0) {
            setZero(f, neg);
            return;
        }
        f.exc |= FpuState.DE;
        int lz = Long.numberOfLeadingZeros(frac);
        f.rSe = (neg ? SIGN : 0) | (lsbExp + 63 - lz + BIAS);
        f.rM = frac << lz;
    }

    /** A signed 64-bit integer to 80 bits (always exact). */
    static void fromLong(FpuState f, long v) {
        if (v == 0) {
            setZero(f, false);
            return;
        }
        boolean neg = v < 0;
        long mag = neg ? -v : v; // -2^63 stays 0x8000..., read unsigned
        int lz = Long.numberOfLeadingZeros(mag);
        f.rSe = (neg ? SIGN : 0) | (63 - lz + BIAS);
        f.rM = mag << lz;
    }

    // =======================================================================================
    // Conversions to memory formats
    // =======================================================================================

    /**
     * Rounds to float32 (fmt SGL) or float64 (DBL) bits in f.rM (SDM FST). An SNaN raises IE
     * and stores the quieted NaN; NaN payloads are truncated.
     */
    static void toFloat(FpuState f, int se, long m, int fmt) {
        int cls = classify(se, m);
        boolean neg = neg(se);
        int p = fmt == DBL ? 53 : 24;
        f.noStore = false;
        f.up = false;
        switch (cls) {
            case ZERO -> f.rM = fmt == DBL ? (neg ? INT_BIT : 0) : (neg ? 0x80000000L : 0);
            case INF -> setInfinity(f, neg, fmt);
            case QNAN, SNAN -> {
                if (cls == SNAN) f.exc |= FpuState.IE;
                long frac = (m | QUIET_BIT) & ~INT_BIT;
                long s = neg ? 1 : 0;
                f.rM = fmt == DBL ? s << 63 | 0x7FF0000000000000L | frac >>> 11
                        : s << 31 | 0x7F800000L | frac >>> 40;
            }
            case UNSUPPORTED -> {
                f.exc |= FpuState.IE;
                f.rM = fmt == DBL ? 0xFFF8000000000000L : 0xFFC00000L;
            }
            default -> roundPack(f, neg, unpackExp(se, m), unpackSig(m), 0, p, fmt, false);
        }
    }

    /**
     * Rounds to a signed integer of {@code bits} bits by RC (FIST/FISTP, SDM Vol. 2).
     * Returns the value, or the integer indefinite with IE when it is out of range or not a
     * number; PE when inexact; C1 via f.up.
     */
    static long toInteger(FpuState f, int se, long m, int bits, int rc) {
        long indefinite = Long.MIN_VALUE >> (64 - bits);
        int cls = classify(se, m);
        f.up = false;
        if (cls == ZERO) return 0;
        if (cls != NORMAL && cls != DENORMAL) {
            f.exc |= FpuState.IE;
            return indefinite;
        }
        boolean neg = neg(se);
        int e = unpackExp(se, m);
        long sig = unpackSig(m);
        long mag;
        if (e >= 63) {
            if (e > 63) return outOfRange(f, indefinite);
            mag = sig;
            f.inexact = false;
        } else {
            mag = roundBits(f, neg, sig, 0, e + 1, rc);
            if (f.carry) return outOfRange(f, indefinite);
        }
        long limit = 1L << (bits - 1); // unsigned magnitude bound: 2^(bits-1) for negatives
        if (Long.compareUnsigned(mag, neg ? limit : limit - 1) > 0) return outOfRange(f, indefinite);
        if (f.inexact) f.exc |= FpuState.PE;
        return neg ? -mag : mag;
    }

    private static long outOfRange(FpuState f, long indefinite) {
        f.exc |= FpuState.IE;
        f.up = false;
        return indefinite;
    }

    /** Rounds a finite value to an integral value by RC (FRNDINT); result in f.rSe/f.rM. */
    static void roundToIntegral(FpuState f, int se, long m, int rc) {
        boolean neg = neg(se);
        int e = unpackExp(se, m);
        f.up = false;
        if (e >= 63) {
            f.rSe = se;
            f.rM = m;
            return;
        }
        long mag = roundBits(f, neg, unpackSig(m), 0, e + 1, rc);
        if (f.inexact) f.exc |= FpuState.PE;
        if (f.carry) {
            f.rSe = (neg ? SIGN : 0) | (64 + BIAS);
            f.rM = INT_BIT;
        } else if (mag == 0) {
            setZero(f, neg);
        } else {
            int lz = Long.numberOfLeadingZeros(mag);
            f.rSe = (neg ? SIGN : 0) | (63 - lz + BIAS);
            f.rM = mag << lz;
        }
    }
}
