/** Placeholder replaced by the config work. */
package org.kubeedgejava.config;
