/** Placeholder replaced by the security work. */
package org.kubeedgejava.security;
