/*
 * tuned_path_undef.h - undefines one instance's per-dtype macros after
 * tuned_paths.h has included the template with them (private to
 * src/kernels/; included once per instance, no include guard).
 */
#undef T
#undef V
#undef VL
#undef VLOAD
#undef VLOADU
#undef VSTOREU
#undef VSET1
#undef VFMA
#undef VADD
#undef VZERO
#undef VMASK
#undef VLOADM
#undef VSTOREM
#undef VHSUM
#undef VHSUMV
#undef VHSUMV_G
#undef FN
#undef PACK_A_COLS
#undef PACK_A_BLOCK
#undef IDX_T
#undef IDX_E
#undef VIDX_LOAD
#undef VPERM2
#undef VBLEND
#undef PBT_COLS
#undef PBT_CHUNK
