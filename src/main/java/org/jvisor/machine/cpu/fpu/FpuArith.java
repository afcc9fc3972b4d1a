package org.jvisor.machine.cpu.fpu;

import static org.jvisor.machine.cpu.fpu.Float80.DENORMAL;
import static org.jvisor.machine.cpu.fpu.Float80.INF;
import static org.jvisor.machine.cpu.fpu.Float80.UNSUPPORTED;
import static org.jvisor.machine.cpu.fpu.Float80.ZERO;

/**
 * Exactly rounded 80-bit arithmetic (SDM Vol. 1 8.1.5, 4.8, 4.9): add, subtract, multiply,
 * divide, square root, partial remainder, scale and extract. Each operation leaves its result
 * in {@code f.rSe/f.rM}, its exceptions in {@code f.exc} and returns false when an unmasked
 * pre-computation exception (invalid, denormal, zero divide) means no result is stored.
 */
final class FpuArith {
    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;

    private FpuArith() { }

    /** a op b with the special-value rules of SDM Vol. 1 Tables 4-7 and 8-10 and the Vol. 2 pages. */
    static boolean binary(FpuState f, int op, int aSe, long aM, int bSe, long bM) {
        int ca = Float80.classify(aSe, aM), cb = Float80.classify(bSe, bM);
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) return invalid(f);
        if (Float80.isNaN(ca) || Float80.isNaN(cb)) return propagateNaN(f, aSe, aM, ca, bSe, bM, cb);
        boolean na = Float80.neg(aSe), nb = Float80.neg(bSe) ^ (op == SUB);
        if (op == ADD || op == SUB) {
            if (ca == INF && cb == INF && na != nb) return invalid(f);
        } else if (op == MUL) {
            if ((ca == ZERO && cb == INF) || (ca == INF && cb == ZERO)) return invalid(f);
        } else if ((ca == ZERO && cb == ZERO) || (ca == INF && cb == INF)) {
            return invalid(f);
        }
        // A denormal dividend over zero is a zero divide only (as the host x87 does).
        boolean zeroDivide = op == DIV && cb == ZERO;
        if ((ca == DENORMAL || cb == DENORMAL) && !zeroDivide && !denormal(f)) return false;
        return switch (op) {
            case ADD, SUB -> add(f, na, aSe, aM, ca, nb, bSe, bM, cb);
            case MUL -> multiply(f, na ^ nb, aSe, aM, ca, bSe, bM, cb);
            default -> divide(f, na ^ nb, aSe, aM, ca, bSe, bM, cb);
        };
    }

    /** Invalid operation: masked gives the QNaN indefinite (SDM 4.9.1.2). */
    static boolean invalid(FpuState f) {
        f.exc |= FpuState.IE;
        Float80.setIndefinite(f);
        return (f.control & FpuState.IE) != 0;
    }

    /** Denormal operand (SDM 4.9.1.3): masked continues, unmasked stops before computing. */
    static boolean denormal(FpuState f) {
        f.exc |= FpuState.DE;
        return (f.control & FpuState.DE) != 0;
    }

    /** NaN operands (SDM Vol. 1 Table 4-7): the QNaN, or the larger significand, quieted. */
    static boolean propagateNaN(FpuState f, int aSe, long aM, int ca, int bSe, long bM, int cb) {
        boolean aNaN = Float80.isNaN(ca), bNaN = Float80.isNaN(cb);
        boolean pickA;
        if (ca == Float80.SNAN || cb == Float80.SNAN) f.exc |= FpuState.IE;
        if (aNaN && bNaN) {
            if (ca != cb) {
                pickA = ca == Float80.QNAN;
            } else {
                int c = Long.compareUnsigned(aM, bM);
                pickA = c > 0 || (c == 0 && !Float80.neg(aSe));
            }
        } else {
            pickA = aNaN;
        }
        f.rSe = pickA ? aSe : bSe;
        f.rM = (pickA ? aM : bM) | Float80.QUIET_BIT;
        return (f.exc & FpuState.IE) == 0 || (f.control & FpuState.IE) != 0;
    }

    private static boolean add(FpuState f, boolean na, int aSe, long aM, int ca, boolean nb, int bSe, long bM, int cb) {
        int p = Float80.precision(f);
        if (ca == INF || cb == INF) {
            Float80.setInfinity(f, ca == INF ? na : nb, Float80.EXT);
        } else if (ca == ZERO && cb == ZERO) {
            Float80.setZero(f, na == nb ? na : Float80.rc(f) == 1);
        } else if (ca == ZERO) {
            Float80.roundPack(f, nb, Float80.unpackExp(bSe, bM), Float80.unpackSig(bM), 0, p, Float80.EXT, true);
        } else if (cb == ZERO) {
            Float80.roundPack(f, na, Float80.unpackExp(aSe, aM), Float80.unpackSig(aM), 0, p, Float80.EXT, true);
        } else {
            addFinite(f, na, Float80.unpackExp(aSe, aM), Float80.unpackSig(aM),
                    nb, Float80.unpackExp(bSe, bM), Float80.unpackSig(bM), p);
        }
        return true;
    }

    /** Sum of two finite nonzero values, exact in 128 bits plus a sticky bit, then rounded. */
    static void addFinite(FpuState f, boolean na, int ea, long sa, boolean nb, int eb, long sb, int p) {
        if (ea < eb || (ea == eb && Long.compareUnsigned(sa, sb) < 0)) {
            boolean tn = na; na = nb; nb = tn;
            int te = ea; ea = eb; eb = te;
            long ts = sa; sa = sb; sb = ts;
        }
        int d = ea - eb;
        long bHi, bLo;
        if (d == 0) {
            bHi = sb;
            bLo = 0;
        } else if (d < 64) {
            bHi = sb >>> d;
            bLo = sb << (64 - d);
        } else if (d < 128) {
            bHi = 0;
            bLo = (sb >>> (d - 64)) | (d > 64 && (sb << (128 - d)) != 0 ? 1 : 0);
        } else {
            bHi = 0;
            bLo = 1;
        }
        if (na == nb) {
            addAligned(f, na, ea, sa, bHi, bLo, p);
        } else {
            subtractAligned(f, na, ea, sa, bHi, bLo, p);
        }
    }

    private static void addAligned(FpuState f, boolean neg, int e, long sa, long bHi, long bLo, int p) {
        long lo = bLo, hi = sa + bHi;
        if (Long.compareUnsigned(hi, sa) < 0) { // carry out: shift right, keeping a sticky bit
            lo = (lo >>> 1) | (hi << 63) | (lo & 1);
            hi = (hi >>> 1) | Float80.INT_BIT;
            e++;
        }
        Float80.roundPack(f, neg, e, hi, lo, p, Float80.EXT, true);
    }

    /** |a| - |b| with |a| >= |b|; an exact zero is +0, or -0 when rounding down (IEEE 754 6.3). */
    private static void subtractAligned(FpuState f, boolean neg, int e, long sa, long bHi, long bLo, int p) {
        long lo = -bLo, hi = sa - bHi - (bLo != 0 ? 1 : 0);
        if (hi == 0 && lo == 0) {
            Float80.setZero(f, Float80.rc(f) == 1);
            return;
        }
        int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (lz >= 64) {
            hi = lo << (lz - 64);
            lo = 0;
        } else if (lz > 0) {
            hi = hi << lz | lo >>> (64 - lz);
            lo <<= lz;
        }
        Float80.roundPack(f, neg, e - lz, hi, lo, p, Float80.EXT, true);
    }

    private static boolean multiply(FpuState f, boolean neg, int aSe, long aM, int ca, int bSe, long bM, int cb) {
        if (ca == INF || cb == INF) {
            Float80.setInfinity(f, neg, Float80.EXT);
        } else if (ca == ZERO || cb == ZERO) {
            Float80.setZero(f, neg);
        } else {
            long sa = Float80.unpackSig(aM), sb = Float80.unpackSig(bM);
            int e = Float80.unpackExp(aSe, aM) + Float80.unpackExp(bSe, bM);
            long hi = Math.unsignedMultiplyHigh(sa, sb), lo = sa * sb;
            if (hi >= 0) {
                hi = hi << 1 | lo >>> 63;
                lo <<= 1;
            } else {
                e++;
            }
            Float80.roundPack(f, neg, e, hi, lo, Float80.precision(f), Float80.EXT, true);
        }
        return true;
    }

    private static boolean divide(FpuState f, boolean neg, int aSe, long aM, int ca, int bSe, long bM, int cb) {
        if (ca == INF || cb == ZERO) {
            if (ca != INF) { // finite nonzero / 0 (SDM 4.9.1.4 zero divide)
                f.exc |= FpuState.ZE;
                if ((f.control & FpuState.ZE) == 0) return false;
            }
            Float80.setInfinity(f, neg, Float80.EXT);
        } else if (ca == ZERO || cb == INF) {
            Float80.setZero(f, neg);
        } else {
            divideFinite(f, neg, Float80.unpackExp(aSe, aM) - Float80.unpackExp(bSe, bM),
                    Float80.unpackSig(aM), Float80.unpackSig(bM), Float80.precision(f));
        }
        return true;
    }

    /** Restoring division to 66 quotient bits plus sticky (enough for correct rounding). */
    static void divideFinite(FpuState f, boolean neg, int e, long sa, long sb, int p) {
        long r = sa;
        boolean top = false;
        if (Long.compareUnsigned(sa, sb) < 0) {
            e--;
            top = r < 0;
            r <<= 1;
        }
        long hi = 0, lo = 0;
        for (int n = 0; n < 66; n++) {
            boolean bit = top || Long.compareUnsigned(r, sb) >= 0;
            if (bit) r -= sb;
            if (n < 64) {
                hi = hi << 1 | (bit ? 1 : 0);
            } else if (bit) {
                lo |= 1L << (127 - n);
            }
            top = r < 0;
            r <<= 1;
        }
        if (r != 0 || top) lo |= 1;
        Float80.roundPack(f, neg, e, hi, lo, p, Float80.EXT, true);
    }

    /** FSQRT (SDM Vol. 2): negative nonzero operands are invalid, -0 stays -0. */
    static boolean sqrt(FpuState f, int se, long m) {
        int c = Float80.classify(se, m);
        if (c == UNSUPPORTED) return invalid(f);
        if (Float80.isNaN(c)) return propagateNaN(f, se, m, c, se, m, c);
        boolean neg = Float80.neg(se);
        if (c == ZERO) {
            Float80.setZero(f, neg);
            return true;
        }
        if (neg) return invalid(f);
        if (c == INF) {
            Float80.setInfinity(f, false, Float80.EXT);
            return true;
        }
        if (c == DENORMAL && !denormal(f)) return false;
        int e = Float80.unpackExp(se, m);
        long sig = Float80.unpackSig(m);
        long nHi = (e & 1) != 0 ? sig : sig >>> 1, nLo = (e & 1) != 0 ? 0 : sig << 63;
        long root = isqrt(nHi, nLo);
        long sqHi = Math.unsignedMultiplyHigh(root, root), sqLo = root * root;
        long remLo = nLo - sqLo, remHi = nHi - sqHi - (Long.compareUnsigned(nLo, sqLo) < 0 ? 1 : 0);
        boolean round = remHi != 0 || Long.compareUnsigned(remLo, root) > 0;
        boolean sticky = remHi != 0 || remLo != 0;
        long lo = (round ? Float80.INT_BIT : 0) | (sticky ? 1 : 0);
        Float80.roundPack(f, false, e >> 1, root, lo, Float80.precision(f), Float80.EXT, true);
        return true;
    }

    /** floor(sqrt(hi:lo)) for hi:lo >= 2^126, one bit at a time. */
    private static long isqrt(long hi, long lo) {
        long r = 0;
        for (int b = 63; b >= 0; b--) {
            long c = r | (1L << b);
            long sh = Math.unsignedMultiplyHigh(c, c), sl = c * c;
            int cmp = Long.compareUnsigned(sh, hi);
            if (cmp < 0 || (cmp == 0 && Long.compareUnsigned(sl, lo) <= 0)) r = c;
        }
        return r;
    }

    /** Packs {@code mag * 2^unitExp} exactly (FPREM results, FXTRACT exponents). */
    static void packExact(FpuState f, boolean neg, long mag, int unitExp) {
        if (mag == 0) {
            Float80.setZero(f, neg);
            return;
        }
        int lz = Long.numberOfLeadingZeros(mag);
        Float80.roundPack(f, neg, unitExp + 63 - lz, mag << lz, 0, 64, Float80.EXT, true);
    }
}
