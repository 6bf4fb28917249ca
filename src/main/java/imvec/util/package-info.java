/**
 * Small helpers every package may use: {@link imvec.util.UserError} (the one-sentence error a
 * user sees), hashing, did-you-mean suggestions, matrix conversions and the version. Depends on
 * no other imvec package.
 */
package imvec.util;
