# numdiff.sh — nderiv, hstudy and gradcheck from the command line: notes on
# stderr, data formats on stdout (SPEC §2, §9).

check_err numdiff-kink-note 0 "note: nderiv: abs is not differentiable at or near x = 0 (one-sided slopes -1 and 1)" \
    -- nb -e 'nderiv(abs(x), 0)'
check_out numdiff-kink-value 0 "0" -- nb -e 'nderiv(abs(x), 0)'
check_out numdiff-no-kink-note 0 "1" -- nb -e 'nderiv(abs(x), 2)'
check_out numdiff-gradcheck-csv 0 "point,component,claimed,numeric,rel_error,status
1,x,2,2,0,PASS" \
    -- nb --format=csv -e 'gradcheck(x^2, 1)'
check_err numdiff-gradcheck-csv-verdict 0 "verdict: PASS
max_rel_error: 0
gradcheck: PASS (1 point, max rel_error 0 <= tol 1e-6)" \
    -- nb --format=csv -e 'gradcheck(x^2, 1)'
# forward of x^2 at 3 is 6 + h; h* = 2 sqrt(eps*9/2), E* = 2 sqrt(eps*9*2)
check_out numdiff-hstudy-json 0 '{"command": "hstudy", "rows": [
  {"prec": "double", "method": "forward", "h": 0.5, "value": 6.5, "abs_error": 0.5, "rel_error": 0.0833},
  {"prec": "double", "method": "forward", "h": 0.05, "value": 6.049999999999969, "abs_error": 0.05, "rel_error": 0.00833}
], "summary": {"exact": 6, "double.forward.best_h": 0.05, "double.forward.best_error": 0.05, "double.forward.predicted_h": 6.32e-8, "double.forward.predicted_error": 1.26e-7, "notes": ["double forward: observed best h is 5.9 decades from the predicted h*"]}}' \
    -- nb --format=json -e 'hstudy(x^2, 3, methods=["forward"], prec=double, h=[0.5, 0.05])'
# to="file.svg": a standalone SVG, one line per method and precision (4),
# the O(h) reference slope of the forward difference (the central
# difference of x^2 has no truncation error: no O(h^2) slope to show), and
# the predicted best h of the two forward series (the central model needs
# a nonzero third derivative) as markers
svg=$(mktemp /tmp/nabla-numdiff-XXXXXX.svg)
nb -e "hstudy(x^2, 3, prec=[double, 113], methods=[\"forward\", \"central\"], to=\"$svg\")" >/dev/null 2>&1
check_out numdiff-hstudy-svg 0 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"500\" viewBox=\"0 0 720 500\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" fill-rule=\"evenodd\">
5 2 </svg>" -- sh -c "sed -n 2p '$svg'; printf '%s ' \$(grep -c 'class=\"line\"' '$svg') \$(grep -c 'class=\"markers\"' '$svg'); tail -1 '$svg'"
rm -f "$svg"
check_err numdiff-hstudy-svg-unwritable 1 "-e:1:16: error: cannot write '/nonexistent/h.svg': No such file or directory
    hstudy(x^2, 3, to=\"/nonexistent/h.svg\")
                   ^" -- nb -e 'hstudy(x^2, 3, to="/nonexistent/h.svg")'
