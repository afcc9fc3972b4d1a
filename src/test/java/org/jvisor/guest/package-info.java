/** Whole-guest tests: the bundled Linux boots on the simulated PC and runs commands. */
package org.jvisor.guest;
