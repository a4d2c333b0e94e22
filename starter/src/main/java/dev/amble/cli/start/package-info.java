/**
 * Starting and planning rollouts: {@code run}, {@code check}, {@code plan}, {@code demo}, {@code
 * schedule}, and the rollout settings and content they share.
 */
package dev.amble.cli.start;
