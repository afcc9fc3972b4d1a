package org.jvisor.machine.cpu.fpu;

import java.math.BigInteger;

/**
 * An independent reference for IEEE rounding, written with BigInteger rationals and no code
 * from the model: a value is sign * num / den; it is rounded to p significant bits with
 * gradual underflow below 2^emin and packed as 80-bit, double or single bits.
 */
final class ExactOracle {
    final boolean neg;
    final BigInteger num, den;

    ExactOracle(boolean neg, BigInteger num, BigInteger den) {
        this.neg = neg;
        this.num = num;
        this.den = den;
    }

    /** The exact value of an 80-bit finite encoding. */
    static ExactOracle of80(int se, long m) {
        BigInteger mag = new BigInteger(Long.toUnsignedString(m));
        int exp = se & 0x7FFF;
        int scale = (exp == 0 ? 1 : exp) - 16383 - 63;
        return ofScaled((se & 0x8000) != 0, mag, scale);
    }

    static ExactOracle ofScaled(boolean neg, BigInteger mag, int scale) {
        return scale >= 0 ? new ExactOracle(neg, mag.shiftLeft(scale), BigInteger.ONE)
                : new ExactOracle(neg, mag, BigInteger.ONE.shiftLeft(-scale));
    }

    boolean isZero() {
        return num.signum() == 0;
    }

    ExactOracle add(ExactOracle o) {
        BigInteger a = num.multiply(o.den), b = o.num.multiply(den);
        BigInteger sa = neg ? a.negate() : a, sb = o.neg ? b.negate() : b;
        BigInteger s = sa.add(sb);
        return new ExactOracle(s.signum() < 0, s.abs(), den.multiply(o.den));
    }

    ExactOracle negate() {
        return new ExactOracle(!neg, num, den);
    }

    ExactOracle multiply(ExactOracle o) {
        return new ExactOracle(neg ^ o.neg, num.multiply(o.num), den.multiply(o.den));
    }

    ExactOracle divide(ExactOracle o) {
        return new ExactOracle(neg ^ o.neg, num.multiply(o.den), den.multiply(o.num));
    }

    /** floor(log2(num/den)) for a nonzero value. */
    int floorLog2() {
        int e = num.bitLength() - den.bitLength();
        // adjust so that 2^e <= num/den < 2^(e+1)
        if (compareScaled(num, den, e) < 0) e--;
        return e;
    }

    /** Compares n/d with 2^e. */
    private static int compareScaled(BigInteger n, BigInteger d, int e) {
        return e >= 0 ? n.compareTo(d.shiftLeft(e)) : n.shiftLeft(-e).compareTo(d);
    }

    /**
     * Rounds to p bits (RC 0 nearest-even, 1 down, 2 up, 3 zero) with minimum normal exponent
     * emin; returns {integer significand q, lsb exponent} so the value is q * 2^lsb, or for
     * sqrt=true rounds sqrt(value) instead.
     */
    long[] round(int p, int emin, int rc, boolean sqrt) {
        int e = sqrt ? Math.floorDiv(floorLog2(), 2) : floorLog2();
        int lsb = Math.max(e, emin) - p + 1;
        BigInteger q;
        int cmpHalf; // remainder versus half an lsb: -1 below, 0 tie, 1 above; exact flag separate
        boolean exact;
        if (!sqrt) {
            // q = floor(num / (den * 2^lsb))
            BigInteger n = lsb >= 0 ? num : num.shiftLeft(-lsb);
            BigInteger d = lsb >= 0 ? den.shiftLeft(lsb) : den;
            BigInteger[] qr = n.divideAndRemainder(d);
            q = qr[0];
            exact = qr[1].signum() == 0;
            cmpHalf = qr[1].shiftLeft(1).compareTo(d);
        } else {
            // q = isqrt(floor(num * 2^(-2 lsb) / den))
            BigInteger n = -2 * lsb >= 0 ? num.shiftLeft(-2 * lsb) : num;
            BigInteger d = -2 * lsb >= 0 ? den : den.shiftLeft(2 * lsb);
            q = n.divide(d).sqrt();
            // compare (q + 1/2)^2 * d with n: (2q+1)^2 * d vs 4n
            BigInteger twoQ1 = q.shiftLeft(1).add(BigInteger.ONE);
            cmpHalf = n.shiftLeft(2).compareTo(twoQ1.multiply(twoQ1).multiply(d));
            exact = q.multiply(q).multiply(d).equals(n);
        }
        boolean odd = q.testBit(0);
        boolean inc = switch (rc) {
            case 0 -> cmpHalf > 0 || (cmpHalf == 0 && odd);
            case 1 -> neg && !exact;
            case 2 -> !neg && !exact;
            default -> false;
        };
        if (inc) q = q.add(BigInteger.ONE);
        return new long[] {q.longValue(), lsb, exact ? 0 : 1, q.bitLength()};
    }

    /** Packs a rounded result to 80 bits {se, m}; overflow saturates per RC as the SDM says. */
    static long[] pack80(boolean neg, long[] r, int rc) {
        long q = r[0];
        int lsb = (int) r[1];
        int bits = (int) r[3];
        int s = neg ? 0x8000 : 0;
        if (bits == 0) return new long[] {s, 0};
        BigInteger mag = new BigInteger(Long.toUnsignedString(q));
        int e = lsb + bits - 1;
        if (e > 16383) {
            boolean toInf = rc == 0 || (rc == 1 && neg) || (rc == 2 && !neg);
            return toInf ? new long[] {s | 0x7FFF, 1L << 63} : null; // caller knows max depends on p
        }
        if (e < -16382) { // denormal: m = mag * 2^(lsb - (-16382 - 63))
            return new long[] {s, mag.shiftLeft(lsb + 16382 + 63).longValue()};
        }
        long m = mag.shiftLeft(64 - bits).longValue();
        return new long[] {s | (e + 16383), m};
    }
}
