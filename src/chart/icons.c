/*
 * The Making Data Count variation and assurance icons, drawn in the style of
 * NHS England's icon set (as NHSRplotthedots ships it in inst/icons/): a
 * white disc in a coloured ring; variation icons hold a short run of points
 * and, for special cause, the letter H or L (higher or lower values);
 * assurance icons hold P (consistently passing), F (consistently failing) or
 * ? (hit and miss) above a dashed target line. Each icon is a group whose
 * <title> says in words what the colour and letter say, so nobody needs the
 * colour to read it.
 */
#include "svg_internal.h"

#include "ics/spc.h"

#define C_COMMON "#a6a6a6"
#define C_IMPROVE "#00b0f0"
#define C_CONCERN "#e46c0a"
#define C_NEUTRAL "#490092"

const char *icsi_svg_variation_words(int icon)
{
    switch (icon) {
    case ICS_SPC_ICON_IMPROVEMENT_HIGH: return "Special cause variation, improvement: higher values";
    case ICS_SPC_ICON_IMPROVEMENT_LOW: return "Special cause variation, improvement: lower values";
    case ICS_SPC_ICON_CONCERN_HIGH: return "Special cause variation, concern: higher values";
    case ICS_SPC_ICON_CONCERN_LOW: return "Special cause variation, concern: lower values";
    case ICS_SPC_ICON_NEUTRAL_HIGH: return "Special cause variation, neither improvement nor concern: higher values";
    case ICS_SPC_ICON_NEUTRAL_LOW: return "Special cause variation, neither improvement nor concern: lower values";
    default: return "Common cause variation: no significant change";
    }
}

const char *icsi_svg_assurance_words(int icon)
{
    switch (icon) {
    case ICS_SPC_ASSURANCE_PASS: return "Assurance: the process will consistently pass the target";
    case ICS_SPC_ASSURANCE_FAIL: return "Assurance: the process will consistently fail the target";
    case ICS_SPC_ASSURANCE_INCONSISTENT:
        return "Assurance: hit and miss, the target lies within the process limits";
    default: return "No assurance icon";
    }
}

static void ring(FILE *out, double cx, double cy, double r, const char *colour)
{
    fputs("<circle cx=\"", out);
    icsi_svg_num(out, cx);
    fputs("\" cy=\"", out);
    icsi_svg_num(out, cy);
    fputs("\" r=\"", out);
    icsi_svg_num(out, r * 0.92);
    fprintf(out, "\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"", colour);
    icsi_svg_num(out, r * 0.16);
    fputs("\"/>\n", out);
}

static void letter(FILE *out, double x, double y, double size, const char *colour, const char *text)
{
    fputs("<text x=\"", out);
    icsi_svg_num(out, x);
    fputs("\" y=\"", out);
    icsi_svg_num(out, y);
    fputs("\" text-anchor=\"middle\" font-size=\"", out);
    icsi_svg_num(out, size);
    fprintf(out, "\" font-weight=\"bold\" fill=\"%s\">", colour);
    icsi_svg_text_escaped(out, text);
    fputs("</text>\n", out);
}

static void group_open(FILE *out, const char *cls, const char *words)
{
    fprintf(out, "<g class=\"%s\"><title>", cls);
    icsi_svg_text_escaped(out, words);
    fputs("</title>\n", out);
}

void icsi_svg_variation_icon(FILE *out, int icon, double cx, double cy, double r)
{
    /* seven points across the lower half: a level run, or one ending in a
     * run of three higher (or lower) coloured points */
    static const double level[7] = {0.08, -0.08, 0.04, -0.06, 0.08, -0.04, 0.02};
    static const double high[7] = {0.16, 0.04, 0.14, 0.06, -0.06, -0.2, -0.34};
    const char *colour = C_COMMON, *mark = NULL;
    int side = 0;
    switch (icon) {
    case ICS_SPC_ICON_IMPROVEMENT_HIGH: colour = C_IMPROVE, mark = "H", side = 1; break;
    case ICS_SPC_ICON_IMPROVEMENT_LOW: colour = C_IMPROVE, mark = "L", side = -1; break;
    case ICS_SPC_ICON_CONCERN_HIGH: colour = C_CONCERN, mark = "H", side = 1; break;
    case ICS_SPC_ICON_CONCERN_LOW: colour = C_CONCERN, mark = "L", side = -1; break;
    case ICS_SPC_ICON_NEUTRAL_HIGH: colour = C_NEUTRAL, mark = "H", side = 1; break;
    case ICS_SPC_ICON_NEUTRAL_LOW: colour = C_NEUTRAL, mark = "L", side = -1; break;
    default: break;
    }
    group_open(out, "variation-icon", icsi_svg_variation_words(icon));
    ring(out, cx, cy, r, colour);
    if (mark)
        letter(out, cx, cy - r * 0.05, r * 0.78, colour, mark);
    double base = !mark ? cy : side > 0 ? cy + r * 0.45 : cy + r * 0.28;
    double xs[7], ys[7];
    for (int i = 0; i < 7; i++) {
        xs[i] = cx - r * 0.6 + r * 0.2 * i;
        ys[i] = base + r * (side == 0 ? level[i] : side > 0 ? high[i] : -high[i]);
    }
    fputs("<polyline fill=\"none\" stroke=\"" C_COMMON "\" stroke-width=\"", out);
    icsi_svg_num(out, r * 0.06);
    fputs("\" points=\"", out);
    for (int i = 0; i < 7; i++) {
        if (i)
            fputc(' ', out);
        icsi_svg_num(out, xs[i]);
        fputc(',', out);
        icsi_svg_num(out, ys[i]);
    }
    fputs("\"/>\n", out);
    for (int i = 0; i < 7; i++)
        icsi_svg_circle(out, xs[i], ys[i], r * 0.09, side != 0 && i >= 4 ? colour : C_COMMON);
    fputs("</g>\n", out);
}

void icsi_svg_assurance_icon(FILE *out, int icon, double cx, double cy, double r)
{
    const char *colour = C_COMMON, *mark = "?";
    if (icon == ICS_SPC_ASSURANCE_PASS)
        colour = C_IMPROVE, mark = "P";
    else if (icon == ICS_SPC_ASSURANCE_FAIL)
        colour = C_CONCERN, mark = "F";
    group_open(out, "assurance-icon", icsi_svg_assurance_words(icon));
    ring(out, cx, cy, r, colour);
    letter(out, cx, cy + r * 0.2, r * 0.95, colour, mark);
    /* the target, as the MDC icons draw it: a dashed rule under the letter */
    icsi_svg_line(out, cx - r * 0.55, cy + r * 0.48, cx + r * 0.55, cy + r * 0.48, colour, r * 0.08, "3,2", NULL);
    fputs("</g>\n", out);
}
