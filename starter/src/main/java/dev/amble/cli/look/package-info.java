/**
 * Looking at rollouts: {@code status}, {@code logs}, {@code workspace}, and the views and printers
 * they share with the commands that follow a rollout.
 */
package dev.amble.cli.look;
