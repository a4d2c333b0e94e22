/**
 * Running amble's parts and setting up their hosts: {@code server}, {@code worker}, {@code
 * codec-server}, {@code init}, {@code notify}.
 */
package dev.amble.cli.parts;
