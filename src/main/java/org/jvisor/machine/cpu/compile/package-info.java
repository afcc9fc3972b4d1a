/**
 * The fast path of the execution engine: hot decoded blocks become JVM bytecode (built with
 * the JDK's {@code java.lang.classfile} API) that calls the very same instruction semantics
 * the interpreter calls, with the instructions as class-data constants so that HotSpot can
 * inline each one. Only dispatch is compiled, never semantics, so the two cannot drift.
 */
package org.jvisor.machine.cpu.compile;
